import Foundation
import Testing

/// `sheen checklist` through the binary on a project nothing has been applied to: every item not green with its
/// next action, in English and Arabic; attestation accepted only where the item's rule allows `manual`, and then
/// counted as evidence; exit codes 1 (not ready), 2 (usage) and 3 (unreadable).
@Suite("sheen checklist end to end")
struct ChecklistCommandTests {
    @Test("not ready before any apply; attest where allowed, refused where not; exit codes 1, 2 and 3")
    func checklist() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["SHEEN_KEYRING": directory.appendingPathComponent("k.json").path]
        #expect(try await SheenBinary.run(["init", "arabic-ecommerce", "--market", "SA"], in: directory).status == 0)

        let before = try await SheenBinary.run(["checklist", "--json"], in: directory, environment: environment)
        #expect(before.status == 1, "\(before.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(before.stdout.utf8)) as? [String: Any])
        #expect(document["ready"] as? Bool == false)
        let items = try #require(document["items"] as? [[String: Any]])
        #expect(items.count == 7)
        #expect(items.allSatisfy { $0["status"] as? String != "True" && $0["next"] != nil })
        let payment = try #require(items.first { $0["item"] as? String == "payment-test-checkout" })
        #expect(payment["reason"] as? String == "StepNotRun")

        let arabic = try await SheenBinary.run(["checklist", "--lang", "ar"], in: directory, environment: environment)
        #expect(arabic.status == 1 && arabic.stdout.contains("غير جاهز"), "\(arabic.stdout)")

        let refused = try await SheenBinary.run(
            ["checklist", "attest", "domain-ssl", "--evidence", "looked fine"], in: directory, environment: environment)
        #expect(refused.status == 2 && refused.stderr.contains("cannot be attested by hand"), "\(refused.stderr)")

        let screenshot = directory.appendingPathComponent("phone.png")
        try Data("not really a png".utf8).write(to: screenshot)
        let attested = try await SheenBinary.run(
            ["checklist", "attest", "arabic-font-rendering", "--evidence", screenshot.path, "--by", "lina", "--json"],
            in: directory, environment: environment)
        #expect(attested.status == 0, "\(attested.stderr)")
        #expect(attested.stdout.contains("file phone.png (16 bytes, sha256 "), "\(attested.stdout)")

        let after = try await SheenBinary.run(["checklist", "--json"], in: directory, environment: environment)
        let judged = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
        let font = try #require(
            (judged["items"] as? [[String: Any]])?.first { $0["item"] as? String == "arabic-font-rendering" })
        #expect(font["status"] as? String == "True" && font["reason"] as? String == "Attested")
        #expect((font["evidence"] as? [String])?.first?.contains("attested by lina") == true)

        let unreadable = try await SheenBinary.run(
            ["checklist", "--project", "missing.yaml"], in: directory, environment: environment)
        #expect(unreadable.status == 3, "\(unreadable.stderr)")
        let usage = try await SheenBinary.run(
            ["checklist", "--interval", "0"], in: directory, environment: environment)
        #expect(usage.status == 2)
    }
}
