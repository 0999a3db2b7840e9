import Foundation

/// One apply per project and environment at a time, held as a lease that expires by itself.
///
/// The lease is renewed while the run lives. After a crash nobody has to force-unlock: a lease whose holder was a
/// process on this host that no longer exists is taken over at once, and any other lease lapses after its TTL.
public enum ApplyLock {
    /// Read once: Foundation may resolve the host name through the resolver, which has no place on each lock check.
    public static let host = ProcessInfo.processInfo.hostName

    public static func holder(now: Date, ttl: Duration) -> LockInfo {
        let pid = ProcessInfo.processInfo.processIdentifier
        return LockInfo(
            holder: "pid \(pid) on \(host)", processID: pid, host: host, acquiredAt: now,
            expiresAt: now.addingTimeInterval(ttl.seconds))
    }

    /// Whether `lock` belongs to a process of this host that has exited.
    @Sendable public static func isStale(_ lock: LockInfo) -> Bool {
        guard lock.host == host, lock.processID > 0 else { return false }
        return kill(lock.processID, 0) == -1 && errno == ESRCH
    }

    /// Runs `body` holding the lock of `scope`, renewing the lease every third of `ttl`.
    public static func withLock<T: Sendable>(
        store: any StateStore, scope: StoreScope, ttl: Duration = .seconds(60), clock: any EngineClock = SystemClock(),
        _ body: () async throws -> T
    ) async throws -> T {
        let lock = try await store.acquireLock(scope, as: holder(now: clock.now(), ttl: ttl), isStale: isStale)
        let heartbeat = Task {
            while !Task.isCancelled {
                try await clock.sleep(for: ttl / 3)
                try await store.renewLock(
                    scope, holder: lock.holder, until: clock.now().addingTimeInterval(ttl.seconds))
            }
        }
        do {
            let result = try await body()
            heartbeat.cancel()
            try await store.releaseLock(scope, holder: lock.holder)
            return result
        } catch {
            heartbeat.cancel()
            try? await store.releaseLock(scope, holder: lock.holder)
            throw error
        }
    }
}
