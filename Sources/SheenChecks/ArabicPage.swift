internal import CLibXML2
import Foundation

/// What an Arabic page declares, read with libxml2's HTML parser: the root's `dir` and `lang`, its inline styles and
/// the stylesheets it links, and the fonts their `@font-face` rules name.
public struct ArabicPage: Sendable {
    public var dir: String?
    public var lang: String?
    public var styles: [String]
    public var stylesheets: [String]

    public init(html: Data, url: URL) {
        var dir: String?
        var lang: String?
        var styles: [String] = []
        var sheets: [String] = []
        html.withUnsafeBytes { raw in
            guard let base = raw.bindMemory(to: CChar.self).baseAddress else { return }
            let options = Int32(HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue)
            guard let document = htmlReadMemory(base, Int32(raw.count), url.absoluteString, "UTF-8", options) else {
                return
            }
            defer { xmlFreeDoc(document) }
            guard let context = xmlXPathNewContext(document) else { return }
            defer { xmlXPathFreeContext(context) }
            func values(_ expression: String) -> [String] {
                guard let result = xmlXPathEvalExpression(expression, context) else { return [] }
                defer { xmlXPathFreeObject(result) }
                guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0 else { return [] }
                return (0..<Int(set.pointee.nodeNr)).compactMap { index in
                    guard let node = set.pointee.nodeTab[index], let content = xmlNodeGetContent(node) else {
                        return nil
                    }
                    // xmlFree is a global function pointer libxml2 sets once at start-up; it is plain free() here.
                    defer { free(content) }
                    return String(cString: content)
                }
            }
            dir = values("/html/@dir").first
            lang = values("/html/@lang").first
            styles = values("//style")
            sheets = values("//link[contains(concat(' ', normalize-space(@rel), ' '), ' stylesheet ')]/@href")
        }
        self.dir = dir
        self.lang = lang
        self.styles = styles
        self.stylesheets = sheets
    }

    public var isRightToLeft: Bool { dir?.lowercased() == "rtl" }
    public var isArabic: Bool { lang.map { $0.lowercased() == "ar" || $0.lowercased().hasPrefix("ar-") } ?? false }

    /// The `url(…)` sources of every `@font-face` rule in `css`, in order.
    public static func fontSources(in css: String) -> [String] {
        var sources: [String] = []
        var rest = Substring(css)
        while let start = rest.range(of: "@font-face", options: .caseInsensitive) {
            guard let open = rest[start.upperBound...].firstIndex(of: "{"),
                let close = rest[open...].firstIndex(of: "}")
            else { break }
            var block = rest[open..<close]
            while let url = block.range(of: "url(", options: .caseInsensitive),
                let end = block[url.upperBound...].firstIndex(of: ")")
            {
                let inner = block[url.upperBound..<end].trimmingCharacters(in: CharacterSet(charactersIn: "'\" \t\n"))
                if !inner.isEmpty { sources.append(inner) }
                block = block[block.index(after: end)...]
            }
            rest = rest[rest.index(after: close)...]
        }
        return sources
    }
}
