import Foundation

/// The built-in `sheen.data` step, like Terraform's `terraform_data`: its output is a hash of its inputs.
///
/// It has no side effect of its own. For benchmarks it can wait `latency` per call, and for crash tests it can append
/// each create to a ledger file (`ledgerPath`), the stand-in for a provider's record of what was created: `observe`
/// reads the ledger, so a step interrupted after its side effect is found rather than created again.
public struct SheenDataRunner: StepRunner {
    public var latency: Duration
    public var ledgerPath: String?

    public init(latency: Duration = .zero, ledgerPath: String? = nil) {
        self.latency = latency
        self.ledgerPath = ledgerPath
    }

    public func observe(_ context: StepContext) async throws -> StepResult? {
        guard let ledgerPath, let data = FileManager.default.contents(atPath: ledgerPath) else { return nil }
        let needle = " \(context.idempotencyKey)\n"
        guard String(decoding: data, as: UTF8.self).contains(needle) else { return nil }
        return result(context)
    }

    public func create(_ context: StepContext) async throws -> StepResult {
        try await context.clock.sleep(for: latency)
        if let ledgerPath { try append("\(context.stepID) \(context.idempotencyKey)\n", to: ledgerPath) }
        return result(context)
    }

    public func update(_ context: StepContext) async throws -> StepResult {
        try await create(context)
    }

    public func delete(_ context: StepContext) async throws {
        try await context.clock.sleep(for: latency)
        if let ledgerPath { try append("delete \(context.stepID) \(context.idempotencyKey)\n", to: ledgerPath) }
    }

    private func result(_ context: StepContext) -> StepResult {
        StepResult(outputs: ["hash": context.inputHash], externalID: nil)
    }

    /// One `write(2)` with O_APPEND, so concurrent steps never interleave a line.
    private func append(_ line: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw StepFailure(.invalid, message: "cannot open ledger '\(path)'") }
        defer { close(descriptor) }
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw StepFailure(.invalid, message: "short write to ledger '\(path)'") }
    }
}
