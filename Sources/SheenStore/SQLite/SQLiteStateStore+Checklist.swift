import Foundation
internal import GRDB
import SheenEngine
import SheenModel

extension SQLiteStateStore: ChecklistStore {
    public func conditions(in scope: StoreScope) async throws -> [ChecklistCondition] {
        try await database.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT body FROM checklist_conditions WHERE project = ? AND environment = ? ORDER BY position",
                arguments: [scope.project, scope.environment.rawValue]
            ).map { try ChecklistCoding.decoder.decode(ChecklistCondition.self, from: Data($0.utf8)) }
        }
    }

    public func saveConditions(_ conditions: [ChecklistCondition], in scope: StoreScope) async throws {
        let bodies = try conditions.map { String(decoding: try ChecklistCoding.encoder.encode($0), as: UTF8.self) }
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM checklist_conditions WHERE project = ? AND environment = ?",
                arguments: [scope.project, scope.environment.rawValue])
            for (position, (condition, body)) in zip(conditions, bodies).enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO checklist_conditions
                            (project, environment, item, position, status, reason, last_transition, body)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        scope.project, scope.environment.rawValue, condition.item, position,
                        condition.status.rawValue, condition.reason, condition.lastTransition.timeIntervalSince1970,
                        body,
                    ])
            }
        }
    }

    public func attestations(in scope: StoreScope) async throws -> [Attestation] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM checklist_attestations WHERE project = ? AND environment = ? ORDER BY item",
                arguments: [scope.project, scope.environment.rawValue]
            ).map { row in
                Attestation(
                    item: row["item"], evidence: row["evidence"], by: row["attested_by"],
                    at: Date(timeIntervalSince1970: row["attested_at"]))
            }
        }
    }

    public func attest(_ attestation: Attestation, in scope: StoreScope) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO checklist_attestations (project, environment, item, evidence, attested_by, attested_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (project, environment, item) DO UPDATE SET
                        evidence = excluded.evidence, attested_by = excluded.attested_by,
                        attested_at = excluded.attested_at
                    """,
                arguments: [
                    scope.project, scope.environment.rawValue, attestation.item, attestation.evidence, attestation.by,
                    attestation.at.timeIntervalSince1970,
                ])
        }
    }
}
