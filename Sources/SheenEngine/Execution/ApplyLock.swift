import Foundation

/// One apply per project and environment at a time, held as a lease that expires by itself.
///
/// The lease is renewed while the run lives. After a crash nobody has to force-unlock: a lease whose holder was a
/// process on this host that no longer exists is taken over at once, and any other lease lapses after its TTL.
/// A run that cannot renew its lease is cancelled and ends with ``LockLost``; its fencing token keeps any write it
/// still attempts from committing after another run took over.
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

    /// Runs `body` holding the lock of `scope`, renewing the lease every third of `ttl`. `body` gets the granted lease,
    /// whose ``LockInfo/fence`` its journal writes must carry.
    ///
    /// If a renewal finds another holder, or keeps failing until the lease would lapse, `body` is cancelled and this
    /// throws ``LockLost``.
    public static func withLock<T: Sendable>(
        store: any StateStore, scope: StoreScope, ttl: Duration = .seconds(60), clock: any EngineClock = SystemClock(),
        _ body: @escaping @Sendable (LockInfo) async throws -> T
    ) async throws -> T {
        let lock = try await store.acquireLock(scope, as: holder(now: clock.now(), ttl: ttl), isStale: isStale)
        do {
            let result = try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body(lock) }
                group.addTask {
                    try await heartbeat(store: store, scope: scope, lock: lock, ttl: ttl, clock: clock)
                    return nil
                }
                defer { group.cancelAll() }
                // The body's result, or the heartbeat's LockLost: whichever comes first decides, and cancels the other.
                while let next = try await group.next() {
                    if let value = next { return value }
                }
                throw CancellationError()
            }
            try await store.releaseLock(scope, holder: lock.holder)
            return result
        } catch {
            try? await store.releaseLock(scope, holder: lock.holder)
            throw error
        }
    }

    /// Renews until cancelled. A refusal ends it at once with ``LockLost``; other failures (a busy database) are
    /// retried each second while the current lease still has a third of its time left.
    static func heartbeat(
        store: any StateStore, scope: StoreScope, lock: LockInfo, ttl: Duration, clock: any EngineClock
    ) async throws {
        var expiresAt = lock.expiresAt
        var wait = ttl / 3
        while true {
            try await clock.sleep(for: wait)
            let until = clock.now().addingTimeInterval(ttl.seconds)
            do {
                try await store.renewLock(scope, fence: lock.fence, until: until)
                expiresAt = until
                wait = ttl / 3
            } catch let lost as LockLost {
                throw lost
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                guard expiresAt.timeIntervalSince(clock.now()) > (ttl / 3).seconds else {
                    throw LockLost(scope: scope, holder: nil)
                }
                wait = .seconds(1)
            }
        }
    }
}
