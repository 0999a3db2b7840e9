/// Lucene's `arabic` analyzer as OpenSearch and Elasticsearch run it, for the simulator's `_analyze`: lowercase,
/// decimal digits, stop words, `ArabicNormalizer`, then `ArabicStemmer` (one prefix, then every matching suffix in
/// order). The rules are those of Lucene's sources as `research/vectors/arabic_normalization_lucene.json` records
/// them, and the simulator's tests hold them to Lucene's own test cases. Unconfirmed, kept here: the stop list is a
/// short excerpt of Lucene's Arabic stop words, not the whole list.
enum LuceneArabic {
    static let stopWords: Set<String> = [
        "من", "في", "على", "الى", "إلى", "عن", "مع", "هذا", "هذه", "ذلك", "التي", "الذي", "ان", "أن", "او", "أو", "ثم",
        "كان", "قد", "لا", "ما", "هو", "هي",
    ]

    static func analyze(_ text: String) -> [String] {
        tokens(text).map { $0.lowercased() }.map(digits).filter { !stopWords.contains($0) }.map(normalize).map(stem)
    }

    /// Runs of letters, marks and digits, as the standard tokenizer splits Arabic and Latin text.
    static func tokens(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.generalCategory == .nonspacingMark
                || scalar.properties.numericType != nil || scalar == "\u{0640}"
            {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Arabic-Indic and Eastern Arabic-Indic digits to ASCII (`decimal_digit`).
    static func digits(_ token: String) -> String {
        String(
            String.UnicodeScalarView(
                token.unicodeScalars.map { scalar in
                    switch scalar.value {
                    case 0x0660...0x0669: Unicode.Scalar(scalar.value - 0x0660 + 0x30) ?? scalar
                    case 0x06F0...0x06F9: Unicode.Scalar(scalar.value - 0x06F0 + 0x30) ?? scalar
                    default: scalar
                    }
                }))
    }

    static func normalize(_ token: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in token.unicodeScalars {
            switch scalar.value {
            case 0x0622, 0x0623, 0x0625: out.append("\u{0627}")
            case 0x0649: out.append("\u{064A}")
            case 0x0629: out.append("\u{0647}")
            case 0x0640, 0x064B...0x0652: continue
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    static let prefixes = ["ال", "وال", "بال", "كال", "فال", "لل", "و"]
    static let suffixes = ["ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي"]

    static func stem(_ token: String) -> String {
        var word = Array(token)
        for prefix in prefixes.map(Array.init) {
            let long = prefix.count == 1 ? word.count >= 4 : word.count >= prefix.count + 2
            if long && word.starts(with: prefix) {
                word.removeFirst(prefix.count)
                break
            }
        }
        for suffix in suffixes.map(Array.init)
        where word.count >= suffix.count + 2 && word.suffix(suffix.count) == suffix[...] {
            word.removeLast(suffix.count)
        }
        return String(word)
    }
}
