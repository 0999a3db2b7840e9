import Foundation
import SheenModel

/// `--json` for connections: the same facts as the text, with field names and fingerprints only.
public struct ConnectionJSON: Encodable {
    // swift-format-ignore: AlwaysUseLowerCamelCase
    var format_version = "1.0"
    var provider: String
    var alias: String
    var reference: String
    var environment: String
    var markets: [String]
    var sandbox: Bool
    // swift-format-ignore: AlwaysUseLowerCamelCase
    var base_url: String?
    // swift-format-ignore: AlwaysUseLowerCamelCase
    var external_account_id: String?
    var fields: [String: String]
    var secrets: [Secret]
    var problem: LocalizedText?

    public struct Secret: Encodable {
        var field: String
        var fingerprint: String
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var set_at: String
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var key_id: String
        var pending: Bool
    }

    public init(_ details: ConnectionDetails) {
        let connection = details.connection
        provider = connection.provider
        alias = connection.alias
        reference = connection.reference
        environment = connection.environment.rawValue
        markets = connection.markets.map(\.rawValue)
        sandbox = connection.sandbox
        base_url = connection.baseURL
        external_account_id = connection.externalAccountID
        fields = connection.fields
        let formatter = ISO8601DateFormatter()
        secrets = details.secrets.map {
            Secret(
                field: $0.field, fingerprint: $0.fingerprint, set_at: formatter.string(from: $0.setAt),
                key_id: $0.keyID, pending: $0.pending)
        }
        problem = connection.problem
    }

    public struct List: Encodable {
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var format_version = "1.0"
        var project: String
        var connections: [ConnectionJSON]

        public init(project: String, connections: [ConnectionJSON]) {
            self.project = project
            self.connections = connections
        }
    }
}
