import Foundation

/// A verified delivery normalised to one envelope: what happened, to which object, when, in test or live mode, and
/// the key that makes a redelivery recognisable.
public struct WebhookEvent: Sendable, Hashable {
    public var provider: String
    public var scheme: WebhookScheme
    /// The provider's event type (`checkout.session.completed`), or one Sheen derives where the provider sends none
    /// (`charge.captured` for a Tap charge in status CAPTURED).
    public var type: String
    /// The provider's id for this event, where it has one (`evt_…`, `msg_…`).
    public var eventID: String?
    /// The object the event is about (a charge, an order, a message).
    public var objectID: String?
    /// The object's status as the event reports it (`CAPTURED`, `authorized`).
    public var status: String?
    public var occurredAt: Date?
    /// `true` live, `false` test; `nil` where the delivery does not say.
    public var live: Bool?
    /// What a redelivery repeats: the provider's event id; or, for providers that reuse one id across a payment's
    /// states, the object and its status (a CAPTURED after an INITIATED is a new event); or the body's SHA-256.
    public var dedupKey: String

    public init(
        provider: String, scheme: WebhookScheme, type: String, eventID: String? = nil, objectID: String? = nil,
        status: String? = nil, occurredAt: Date? = nil, live: Bool? = nil, dedupKey: String
    ) {
        self.provider = provider
        self.scheme = scheme
        self.type = type
        self.eventID = eventID
        self.objectID = objectID
        self.status = status
        self.occurredAt = occurredAt
        self.live = live
        self.dedupKey = dedupKey
    }
}
