import Foundation

/// When to try a failed step again: full-jitter exponential backoff (Brooker, "Exponential Backoff And Jitter"),
/// raised to a provider's `Retry-After` when it says so, both clamped.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var base: Duration
    public var cap: Duration
    /// The longest `Retry-After` honoured; a provider asking for an hour gets this instead, and the step fails after
    /// `maxAttempts` rather than blocking the run.
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 5, base: Duration = .milliseconds(200), cap: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxAttempts = maxAttempts
        self.base = base
        self.cap = cap
        self.maxRetryAfter = maxRetryAfter
    }

    /// The upper bound of the jittered wait after `attempt` (1-based): `min(cap, base × 2^(attempt−1))`.
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let scaled = base.seconds * pow(2, Double(exponent))
        return .milliseconds(Int64(min(cap.seconds, scaled) * 1000))
    }

    /// The wait before the next attempt: uniform in `[0, ceiling]` (`unit` is a random number in `[0, 1]`), or the
    /// provider's `Retry-After`, clamped to `maxRetryAfter`, if that is longer.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?, unit: Double) -> Duration {
        let jittered = Duration.milliseconds(
            Int64(ceiling(afterAttempt: attempt).seconds * min(max(unit, 0), 1) * 1000))
        guard let retryAfter else { return jittered }
        return max(jittered, min(max(retryAfter, .zero), maxRetryAfter))
    }
}

/// Parses an HTTP `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
public enum RetryAfter {
    /// The wait it asks for, never negative; `nil` for a value that is neither form.
    public static func parse(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isASCIIDigit) {
            guard let seconds = Int64(trimmed.prefix(9)) else { return nil }
            return .seconds(seconds)
        }
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) {
                let seconds = max(0, date.timeIntervalSince(now))
                return .milliseconds(Int64((seconds * 1000).rounded(.up)))
            }
        }
        return nil
    }

    /// IMF-fixdate first, then the two obsolete forms recipients must accept.
    private static let formats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy",
    ]
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
