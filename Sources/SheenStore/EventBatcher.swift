import SheenWebhooks

/// Collects concurrent deliveries while a commit is under way, then writes them all in the next one.
actor EventBatcher {
    private var pending: [(IncomingDelivery, CheckedContinuation<IngestResult, any Error>)] = []
    private var writing = false
    private let write: @Sendable ([IncomingDelivery]) async throws -> [IngestResult]

    init(write: @escaping @Sendable ([IncomingDelivery]) async throws -> [IngestResult]) { self.write = write }

    func submit(_ delivery: IncomingDelivery) async throws -> IngestResult {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((delivery, continuation))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            do {
                let results = try await write(batch.map(\.0))
                for (index, item) in batch.enumerated() { item.1.resume(returning: results[index]) }
            } catch {
                for item in batch { item.1.resume(throwing: error) }
            }
        }
        writing = false
    }
}
