import Foundation
import SheenApplication
import SheenModel

/// `--json` for connections: the same facts as the text, with field names and fingerprints only.
struct ConnectionJSON: Encodable {
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

    struct Secret: Encodable {
        var field: String
        var fingerprint: String
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var set_at: String
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var key_id: String
        var pending: Bool
    }

    init(_ details: ConnectionDetails) {
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

    struct List: Encodable {
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var format_version = "1.0"
        var project: String
        var connections: [ConnectionJSON]
    }
}

struct KeysJSON: Encodable {
    // swift-format-ignore: AlwaysUseLowerCamelCase
    var format_version = "1.0"
    var keys: [Key]

    struct Key: Encodable {
        var id: String
        var current: Bool
        var uses: Int
        var held: Bool
    }

    init(_ status: KeyService.Status) {
        keys = status.keys.map { Key(id: $0.id, current: $0.current, uses: $0.uses, held: $0.held) }
    }

    struct Rotation: Encodable {
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var format_version = "1.0"
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var key_id: String
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var new_key: Bool
        var rewrapped: Int

        init(_ rotation: KeyService.Rotation) {
            key_id = rotation.keyID
            new_key = rotation.newKey
            rewrapped = rotation.rewrapped
        }
    }
}
