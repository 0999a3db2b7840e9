import Foundation
import SheenEngine
import Synchronization

/// Requests per caller (a token, or every unauthenticated caller together): a token bucket each, refused with 429
/// and the seconds until the next token once empty. Buckets of callers idle for a minute are dropped, so the map
/// stays as small as the set of active tokens.
final class RequestLimiter: Sendable {
    private let burst: Int
    private let perSecond: Double
    private let buckets = Mutex<[String: TokenBucket]>([:])

    init(burst: Int, perSecond: Double) {
        self.burst = burst
        self.perSecond = perSecond
    }

    /// `nil` when `caller` may go ahead; otherwise how long to wait.
    func admit(_ caller: String, now: Date = Date()) -> Duration? {
        buckets.withLock { buckets in
            if buckets.count > 10_000 {
                buckets = buckets.filter { now.timeIntervalSince($0.value.updatedAt) < 60 }
            }
            var bucket = buckets[caller] ?? TokenBucket(capacity: burst, ratePerSecond: perSecond, now: now)
            let wait = bucket.take(now: now)
            buckets[caller] = bucket
            return wait
        }
    }
}
