/// The environment a connection and a plan target.
public enum DeploymentEnvironment: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case dev
    case staging
    case prod

    private var rank: Int {
        switch self {
        case .dev: 0
        case .staging: 1
        case .prod: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}
