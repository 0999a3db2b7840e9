import Foundation
import PostgresNIO
import SheenEngine
import SheenModel

extension PostgresStore: ChecklistStore {
    public func conditions(in scope: StoreScope) async throws -> [ChecklistCondition] {
        try await rows(
            """
            SELECT body FROM checklist_conditions
            WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue)
            ORDER BY position
            """
        ).map {
            try ChecklistCoding.decoder.decode(
                ChecklistCondition.self, from: Data(try $0.value("body", as: String.self).utf8))
        }
    }

    public func saveConditions(_ conditions: [ChecklistCondition], in scope: StoreScope) async throws {
        let bodies = try conditions.map { String(decoding: try ChecklistCoding.encoder.encode($0), as: UTF8.self) }
        try await transaction { db in
            try await db.run(
                """
                DELETE FROM checklist_conditions
                WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue)
                """, logger: logger)
            for (position, (condition, body)) in zip(conditions, bodies).enumerated() {
                try await db.run(
                    """
                    INSERT INTO checklist_conditions
                        (project, environment, item, position, status, reason, last_transition, body)
                    VALUES (\(scope.project), \(scope.environment.rawValue), \(condition.item), \(Int64(position)),
                        \(condition.status.rawValue), \(condition.reason),
                        \(condition.lastTransition.timeIntervalSince1970), \(body))
                    """, logger: logger)
            }
        }
    }

    public func attestations(in scope: StoreScope) async throws -> [Attestation] {
        try await rows(
            """
            SELECT * FROM checklist_attestations
            WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue)
            ORDER BY item
            """
        ).map { row in
            Attestation(
                item: try row.value("item"), evidence: try row.value("evidence"), by: try row.value("attested_by"),
                at: try row.date("attested_at"))
        }
    }

    public func attest(_ attestation: Attestation, in scope: StoreScope) async throws {
        try await execute(
            """
            INSERT INTO checklist_attestations (project, environment, item, evidence, attested_by, attested_at)
            VALUES (\(scope.project), \(scope.environment.rawValue), \(attestation.item), \(attestation.evidence),
                \(attestation.by), \(attestation.at.timeIntervalSince1970))
            ON CONFLICT (project, environment, item) DO UPDATE SET
                evidence = excluded.evidence, attested_by = excluded.attested_by,
                attested_at = excluded.attested_at
            """)
    }
}

/// How a condition is kept as text, the same in every store.
enum ChecklistCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
