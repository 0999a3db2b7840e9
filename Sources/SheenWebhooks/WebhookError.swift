import SheenModel

/// Why a delivery could not be signed (`sheen webhooks sign`, the simulators).
public enum WebhookError: Error, Sendable, Equatable {
    case invalidSecret
    case malformedBody
    case urlRequired
    case rejected(Rejection)

    public var message: LocalizedText {
        switch self {
        case .invalidSecret: Rejection.invalidSecret.message
        case .malformedBody: Rejection.malformedBody.message
        case .urlRequired: Rejection.urlRequired.message
        case .rejected(let rejection): rejection.message
        }
    }
}
