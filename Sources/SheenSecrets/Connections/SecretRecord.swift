import Foundation

/// One sealed credential field of a connection. `pending` holds a rotated value until it verifies; then it replaces
/// `current`.
public struct SecretRecord: Sendable, Hashable {
    public enum Slot: String, Sendable, Hashable {
        case current, pending
    }

    public var connectionID: String
    public var field: String
    public var slot: Slot
    public var sealed: SealedSecret
    /// A short keyed hash of the value (`SecretFingerprint`), shown instead of it.
    public var fingerprint: String
    public var setAt: Date

    public init(
        connectionID: String, field: String, slot: Slot = .current, sealed: SealedSecret, fingerprint: String,
        setAt: Date
    ) {
        self.connectionID = connectionID
        self.field = field
        self.slot = slot
        self.sealed = sealed
        self.fingerprint = fingerprint
        self.setAt = setAt
    }
}
