import Foundation
import SheenApplication
import SheenCatalog
import SheenEngine
import SheenModel
import SheenPlanner
import SheenSecrets
import SheenStore
import SheenTestSupport
import Synchronization
import Testing

@Suite("Credential checks on real connections")
struct CredentialCheckTests {
    /// Records what each provider step was handed, to prove credentials arrive only through the context.
    final class CredentialProbe: StepRunner {
        let seen = Mutex<[String: String]>([:])

        func observe(_ context: StepContext) async throws -> StepResult? { nil }
        func create(_ context: StepContext) async throws -> StepResult {
            let credentials = try await context.credentials()
            seen.withLock { $0[context.stepID] = credentials["secret_key"] ?? "" }
            if context.stepID == "tap.verify-key" {
                // An adapter that echoes its key in an error must not get it into the journal.
                throw StepFailure(
                    .http(status: 401, retryAfter: nil), message: "rejected key \(credentials["secret_key"] ?? "")")
            }
            return StepResult()
        }
        func update(_ context: StepContext) async throws -> StepResult { try await create(context) }
        func delete(_ context: StepContext) async throws {}
    }

    @Test("after connect, the connected provider's check passes and the others fail naming the command to run")
    func checks() async throws {
        let catalog = ApplyServiceTests.shipped
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStateStore(path: directory.appendingPathComponent("state.sqlite").path)
        let keys = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": Data(repeating: 9, count: 32).base64EncodedString()
            ]))
        let connections = ConnectionService(store: store, keys: keys, catalog: catalog)
        _ = try await connections.connect(
            ConnectRequest(
                project: "souq", provider: "tap", environment: .dev,
                fields: ["secret_key": .environment("TAP"), "public_key": .literal("pk_test_1")]),
            reader: ConnectionServiceTests.Reader(variables: ["TAP": "sk_test_canary_0042"]))
        let request = try ApplyServiceTests.request(catalog)
        let probe = CredentialProbe()
        var runners = RunnerRegistry()
        runners.register(probe, for: "tap.verify-key")
        let service = ApplyService(
            store: store, catalog: catalog, settings: ApplySettings(continueOnError: true), runners: runners,
            clock: MockClock(), connections: connections)
        guard case .ran(let report) = try await service.apply(.request(request), confirm: { _ in true }) else {
            Issue.record("the apply did not run")
            return
        }
        #expect(report.failed["preflight.tap.credentials"] == nil)
        #expect(probe.seen.withLock { $0["tap.verify-key"] } == "sk_test_canary_0042")
        let unifonic = try #require(report.failed["preflight.unifonic.credentials"])
        #expect(unifonic.message.contains("sheen connect unifonic --env dev --field app_sid=@env:UNIFONIC_APP_SID"))
        let tapFailure = try #require(report.failed["tap.verify-key"])
        #expect(!tapFailure.message.contains("sk_test_canary_0042"))
        #expect(tapFailure.message.contains(Redactor.mask))
        let journaled = try await store.steps(in: PlanSource.request(request).scope)
        #expect(journaled.allSatisfy { !($0.errorMessage ?? "").contains("canary") })
    }

    @Test("a connection missing a required value fails the check, naming the rotate that fixes it")
    func patternAtApply() async throws {
        let catalog = ApplyServiceTests.shipped
        let store = try SQLiteStateStore.inMemory()
        let now = Date()
        let connection = Connection(
            id: "c1", project: "souq", provider: "tap", environment: .dev, fields: ["public_key": "pk_live_oops"],
            createdAt: now, updatedAt: now)
        try await store.save(connection, secrets: [])
        let keys = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": Data(repeating: 9, count: 32).base64EncodedString()
            ]))
        let service = ApplyService(
            store: store, catalog: catalog, runners: RunnerRegistry(), clock: MockClock(),
            connections: ConnectionService(store: store, keys: keys, catalog: catalog))
        guard
            case .ran(let report) = try await service.apply(
                .request(try ApplyServiceTests.request(catalog)), confirm: { _ in true })
        else {
            Issue.record("the apply did not run")
            return
        }
        let failure = try #require(report.failed["preflight.tap.credentials"])
        #expect(failure.message.contains("has no value for 'secret_key'"))
        #expect(failure.message.contains("sheen connections rotate tap --alias default --env dev"))
    }
}
