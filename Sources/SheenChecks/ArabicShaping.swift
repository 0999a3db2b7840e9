internal import CArabicText
import Foundation

/// Shapes Arabic with one font, as a browser would (FreeType loads it, HarfBuzz shapes), and judges the result by the
/// structural checks of `research/vectors/arabic_shaping_harfbuzz.json`: no missing glyph (tofu), clusters running
/// right to left, and letters that join (a medial or initial form differs from the isolated one).
public struct ArabicShaping: Sendable {
    /// One shaped glyph: the font's glyph id and the index of the character it came from.
    public struct Glyph: Sendable, Hashable {
        public var id: UInt32
        public var cluster: UInt32
        public var advance: Int32
    }

    public struct Verdict: Sendable, Hashable {
        public var family: String
        public var passes: Bool
        /// Why, in a sentence naming the font.
        public var reason: String
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case notAFont(String)
        public var description: String {
            switch self {
            case .notAFont(let why): "FreeType cannot load it as a font (\(why))"
            }
        }
    }

    let data: Data
    public let family: String

    /// Loads `data` (TrueType, OpenType or WOFF) once, to fail early on something that is not a font.
    public init(font data: Data) throws {
        self.data = data
        family = try Self.withFace(data) { face, _ in
            face.pointee.family_name.map { String(cString: $0) } ?? "an unnamed font"
        }
    }

    /// The glyphs HarfBuzz draws for `text`, in visual order (left to right), as `hb-shape` prints them.
    public func shape(_ text: String) throws -> [Glyph] {
        try Self.withFace(data) { _, font in
            guard let buffer = hb_buffer_create() else { return [] }
            defer { hb_buffer_destroy(buffer) }
            // UTF-32, so a cluster is a character's index, as hb-shape prints it.
            let scalars = text.unicodeScalars.map(\.value)
            hb_buffer_add_utf32(buffer, scalars, Int32(scalars.count), 0, Int32(scalars.count))
            hb_buffer_guess_segment_properties(buffer)
            hb_shape(font, buffer, nil, 0)
            var count: UInt32 = 0
            guard let infos = hb_buffer_get_glyph_infos(buffer, &count),
                let positions = hb_buffer_get_glyph_positions(buffer, &count)
            else { return [] }
            // The face is sized at one pixel per font unit (26.6 fixed point), so an advance over 64 is in font units.
            return (0..<Int(count)).map {
                Glyph(id: infos[$0].codepoint, cluster: infos[$0].cluster, advance: positions[$0].x_advance / 64)
            }
        }
    }

    /// The structural verdict: `سلام` without tofu and right to left; `سسس` in joined forms unlike `س` alone.
    public func judge() throws -> Verdict {
        let salam = try shape("سلام")
        if salam.isEmpty || salam.contains(where: { $0.id == 0 }) {
            return Verdict(
                family: family, passes: false,
                reason: "\(family) has no glyphs for Arabic letters: they would show as empty boxes (tofu)")
        }
        let clusters = salam.map(\.cluster)
        guard zip(clusters, clusters.dropFirst()).allSatisfy({ $0 > $1 }) else {
            return Verdict(
                family: family, passes: false, reason: "\(family) does not lay out Arabic right to left")
        }
        let isolated = try shape("س")
        let joined = try shape("سسس")
        guard let alone = isolated.first?.id, joined.count == 3,
            Set(joined.map(\.id)).count == 3, !joined.dropFirst().contains(where: { $0.id == alone })
        else {
            return Verdict(
                family: family, passes: false,
                reason: "\(family) has Arabic letters but does not join them (no initial, medial and final forms)")
        }
        return Verdict(
            family: family, passes: true,
            reason: "\(family) shapes Arabic: letters join (س in three forms) and run right to left, with no tofu")
    }

    /// Runs `body` with a FreeType face and a HarfBuzz font over `data`, freeing both after.
    static func withFace<T>(
        _ data: Data, _ body: (FT_Face, OpaquePointer) throws -> T
    ) throws -> T {
        var library: FT_Library?
        guard FT_Init_FreeType(&library) == 0, let library else { throw Failure.notAFont("FreeType did not start") }
        defer { FT_Done_FreeType(library) }
        return try data.withUnsafeBytes { raw -> T in
            guard let base = raw.bindMemory(to: FT_Byte.self).baseAddress else { throw Failure.notAFont("empty") }
            var face: FT_Face?
            let status = FT_New_Memory_Face(library, base, FT_Long(raw.count), 0, &face)
            guard status == 0, let face else { throw Failure.notAFont("error \(status)") }
            defer { FT_Done_Face(face) }
            // One pixel per font unit, unhinted (hb_ft's default), so advances read as hb-shape prints them.
            let units = FT_F26Dot6(face.pointee.units_per_EM) * 64
            guard FT_Set_Char_Size(face, 0, units, 72, 72) == 0 else { throw Failure.notAFont("it cannot be sized") }
            guard let font = hb_ft_font_create_referenced(face) else { throw Failure.notAFont("HarfBuzz refused it") }
            defer { hb_font_destroy(font) }
            return try body(face, font)
        }
    }
}
