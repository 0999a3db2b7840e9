import Foundation
import SheenEngine
import SheenModel

/// The behaviour every ``ChecklistStore`` must have, run against the SQLite file and PostgreSQL alike.
public enum ChecklistStoreContract {
    static func check(_ condition: Bool, _ message: String) throws { try StateStoreContract.check(condition, message) }

    static func condition(
        _ item: String, _ status: ChecklistCondition.Status, at seconds: TimeInterval
    )
        -> ChecklistCondition
    {
        ChecklistCondition(
            item: item, title: LocalizedText(en: item, ar: "بند \(item)"), status: status, reason: "Reason\(item)",
            message: LocalizedText(en: "why", ar: "لماذا"), lastTransition: Date(timeIntervalSince1970: seconds),
            evidence: ["step:\(item)"], blockedBy: status == .true ? [] : [LocalizedText(en: "x", ar: "س")],
            next: LocalizedText(en: "do it", ar: "افعلها"), fix: LocalizedText(en: "fix", ar: "أصلح"))
    }

    public static func run(_ store: any ChecklistStore) async throws {
        let scope = StoreScope(project: "souq", environment: .prod)
        let other = StoreScope(project: "souq", environment: .dev)
        let first = [condition("domain", .true, at: 1_800_000_000), condition("payments", .false, at: 1_800_000_001)]
        try await store.saveConditions(first, in: scope)
        try await store.saveConditions([condition("region", .unknown, at: 1)], in: other)
        try check(try await store.conditions(in: scope) == first, "conditions round-trip in their order")
        let second = [condition("payments", .true, at: 1_800_000_050), condition("domain", .true, at: 1_800_000_000)]
        try await store.saveConditions(second, in: scope)
        try check(try await store.conditions(in: scope) == second, "saving replaces the scope's conditions")
        try check(try await store.conditions(in: other).map(\.item) == ["region"], "scopes are independent")

        let at = Date(timeIntervalSince1970: 1_800_000_100)
        try await store.attest(Attestation(item: "arabic", evidence: "looked right", by: "huda", at: at), in: scope)
        try await store.attest(
            Attestation(item: "arabic", evidence: "shot.png sha256:ab", by: "omar", at: at), in: scope)
        try await store.attest(Attestation(item: "domain", evidence: "dns ok", by: "huda", at: at), in: scope)
        let attested = try await store.attestations(in: scope)
        try check(attested.map(\.item) == ["arabic", "domain"], "attestations by item")
        try check(
            attested.first == Attestation(item: "arabic", evidence: "shot.png sha256:ab", by: "omar", at: at),
            "a second attestation replaces the first, with who and when")
        try check(try await store.attestations(in: other).isEmpty, "attestations are per scope")
    }
}
