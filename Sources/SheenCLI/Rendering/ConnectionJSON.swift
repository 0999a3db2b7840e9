import Foundation
import SheenApplication
import SheenModel

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
