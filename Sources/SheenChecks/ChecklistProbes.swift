import Foundation
import SheenEngine
import SheenModel

/// Where the checklist's probes look, for one project: its domain, the DNS server and trust roots to use, and what the
/// environment file must hold. A real run uses the system's resolver and roots and reaches only public addresses; the
/// sandbox points the same probes at its stand-ins on loopback and trusts its own CA alone.
public struct ProbeSettings: Sendable {
    public var domain: String?
    /// The port the domain serves HTTPS on: 443, or the sandbox stand-in's.
    public var httpsPort: Int
    /// A font file named in sheen.yaml, judged instead of the page's `@font-face` font.
    public var fontPath: String?
    public var dns: DNSLookup
    public var policy: AddressPolicy
    public var trust: TLSCertificateCheck.Trust
    public var envFile: String?
    public var requiredVariables: [String]
    /// The region the deploy step chose, from the recorded state.
    public var region: String?

    public init(
        domain: String?, httpsPort: Int = 443, fontPath: String? = nil, dns: DNSLookup = DNSLookup(),
        policy: AddressPolicy = .publicOnly, trust: TLSCertificateCheck.Trust = .system, envFile: String? = nil,
        requiredVariables: [String] = [], region: String? = nil
    ) {
        self.domain = domain
        self.httpsPort = httpsPort
        self.fontPath = fontPath
        self.dns = dns
        self.policy = policy
        self.trust = trust
        self.envFile = envFile
        self.requiredVariables = requiredVariables
        self.region = region
    }

    var origin: String? {
        domain.map { httpsPort == 443 ? "https://\($0)" : "https://\($0):\(httpsPort)" }
    }
}

/// Runs the checklist's probes. Each answers pass, warn, fail, or unknown when nothing can tell (no domain set yet),
/// never pass by default.
public struct ChecklistProbes: Sendable {
    public let settings: ProbeSettings

    public init(_ settings: ProbeSettings) { self.settings = settings }

    public func run(_ probes: Set<Checklist.Probe>, now: Date = Date()) async -> [Checklist.Probe: ProbeOutcome] {
        var outcomes: [Checklist.Probe: ProbeOutcome] = [:]
        for probe in Checklist.Probe.allCases where probes.contains(probe) {
            outcomes[probe] = await run(probe, now: now)
        }
        return outcomes
    }

    public func run(_ probe: Checklist.Probe, now: Date = Date()) async -> ProbeOutcome {
        let (verdict, message) =
            switch probe {
            case .dnsResolves: await dnsResolves()
            case .tlsCertificate: await tlsCertificate(now: now)
            case .arabicFontShaping: await arabicFontShaping()
            case .envComplete: envComplete()
            case .deployRegion: deployRegion()
            }
        return ProbeOutcome(verdict, message, at: now)
    }

    static let noDomain = LocalizedText(
        en: "no domain is set: add `domain:` to sheen.yaml", ar: "لم يُحدَّد نطاق: أضف `domain:` إلى sheen.yaml")

    func dnsResolves() async -> (ProbeOutcome.Verdict, LocalizedText) {
        guard let domain = settings.domain else { return (.unknown, Self.noDomain) }
        var found: [String] = []
        do {
            for type in [DNSLookup.RecordType.a, .aaaa, .cname] {
                let answer = try await settings.dns.query(domain, type)
                if answer.rcode == "NXDOMAIN" {
                    return (
                        .fail,
                        LocalizedText(
                            en: "\(domain) does not exist in DNS (NXDOMAIN): register it or fix its spelling",
                            ar: "النطاق \(domain) غير موجود في DNS ‏(NXDOMAIN): سجّله أو صحّح كتابته")
                    )
                }
                found += answer.records.map { "\(type.rawValue) \($0)" }
            }
        } catch {
            return (
                .unknown,
                LocalizedText(
                    en: "DNS could not be asked about \(domain): \(error)", ar: "تعذّر سؤال DNS عن \(domain): \(error)")
            )
        }
        guard !found.isEmpty else {
            return (
                .fail,
                LocalizedText(
                    en: "\(domain) has no A, AAAA or CNAME record: point it at the deployment",
                    ar: "ليس للنطاق \(domain) سجل A أو AAAA أو CNAME: وجّهه إلى بيئة النشر")
            )
        }
        let list = found.joined(separator: ", ")
        return (.pass, LocalizedText(en: "\(domain) resolves: \(list)", ar: "النطاق \(domain) يُحل: \(list)"))
    }

    func tlsCertificate(now: Date) async -> (ProbeOutcome.Verdict, LocalizedText) {
        guard let origin = settings.origin else { return (.unknown, Self.noDomain) }
        let target: OutboundTarget
        do {
            target = try await OutboundTarget.check(
                origin + "/", policy: settings.policy, resolver: LDNSHostResolver(settings.dns))
        } catch {
            return (.fail, LocalizedText(en: error.message, ar: error.message))
        }
        let result = await TLSCertificateCheck(trust: settings.trust).run(target, now: now)
        let verdict: ProbeOutcome.Verdict =
            switch result.verdict {
            case .pass: .pass
            case .warn: .warn
            case .fail: .fail
            }
        return (verdict, LocalizedText(en: result.reason, ar: result.reason))
    }

    func arabicFontShaping() async -> (ProbeOutcome.Verdict, LocalizedText) {
        let font: Data
        let source: String
        if let path = settings.fontPath {
            guard let data = FileManager.default.contents(atPath: path) else {
                return (
                    .fail,
                    LocalizedText(
                        en: "the font '\(path)' named in sheen.yaml cannot be read",
                        ar: "لا يمكن قراءة الخط '\(path)' المذكور في sheen.yaml")
                )
            }
            (font, source) = (data, path)
        } else {
            guard let origin = settings.origin else { return (.unknown, Self.noDomain) }
            switch await pageFont(origin + "/") {
            case .success(let found): (font, source) = found
            case .failure(let problem): return (.fail, problem.text)
            }
        }
        do {
            let verdict = try ArabicShaping(font: font).judge()
            return (
                verdict.passes ? .pass : .fail,
                LocalizedText(
                    en: "\(verdict.reason) (\(source))",
                    ar: verdict.passes
                        ? "الخط \(verdict.family) يشكّل العربية: الحروف تتصل وتُكتب من اليمين إلى اليسار (\(source))"
                        : "الخط \(verdict.family) لا يعرض العربية كما يجب: \(verdict.reason) (\(source))")
            )
        } catch {
            return (
                .fail, LocalizedText(en: "\(source): \(error)", ar: "\(source): لا يمكن تحميله كخط (\(error))")
            )
        }
    }

    struct PageProblem: Error {
        var text: LocalizedText
    }

    /// The page's declared direction and language, then its first same-origin `@font-face` font.
    func pageFont(_ pageURL: String) async -> Result<(Data, String), PageProblem> {
        let fetcher = GuardedFetcher(
            policy: settings.policy, resolver: LDNSHostResolver(settings.dns), trust: settings.trust)
        let page: GuardedFetcher.Page
        do {
            page = try await fetcher.get(pageURL)
        } catch {
            return .failure(PageProblem(text: LocalizedText(en: error.description, ar: error.description)))
        }
        let parsed = ArabicPage(html: page.body, url: page.url)
        guard parsed.isRightToLeft, parsed.isArabic else {
            return .failure(
                PageProblem(
                    text: LocalizedText(
                        en:
                            "\(page.url.absoluteString) declares dir=\"\(parsed.dir ?? "")\" lang=\"\(parsed.lang ?? "")\": use <html dir=\"rtl\" lang=\"ar\">",
                        ar:
                            "الصفحة \(page.url.absoluteString) تعلن dir=\"\(parsed.dir ?? "")\" lang=\"\(parsed.lang ?? "")\": استخدم <html dir=\"rtl\" lang=\"ar\">"
                    )))
        }
        var css = parsed.styles
        for href in parsed.stylesheets {
            guard let url = URL(string: href, relativeTo: page.url)?.absoluteURL, Self.sameOrigin(url, page.url),
                let sheet = try? await fetcher.get(url.absoluteString)
            else { continue }
            css.append(String(decoding: sheet.body, as: UTF8.self))
        }
        let sources = css.flatMap(ArabicPage.fontSources)
        let sameOrigin = sources.compactMap { URL(string: $0, relativeTo: page.url)?.absoluteURL }.filter {
            Self.sameOrigin($0, page.url)
        }
        guard let first = sameOrigin.first else {
            return .failure(
                PageProblem(
                    text: LocalizedText(
                        en:
                            "\(page.url.absoluteString) loads no same-origin @font-face font: serve an Arabic font from your own domain, or set `fonts.arabic` in sheen.yaml",
                        ar:
                            "الصفحة \(page.url.absoluteString) لا تحمّل خطًا عبر @font-face من النطاق نفسه: قدّم خطًا عربيًا من نطاقك أو حدّد `fonts.arabic` في sheen.yaml"
                    )))
        }
        do {
            let font = try await fetcher.get(first.absoluteString)
            return .success((font.body, first.absoluteString))
        } catch {
            return .failure(PageProblem(text: LocalizedText(en: error.description, ar: error.description)))
        }
    }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased()
            && (a.port ?? 443) == (b.port ?? 443)
    }

    func envComplete() -> (ProbeOutcome.Verdict, LocalizedText) {
        guard let path = settings.envFile else {
            return (
                .unknown,
                LocalizedText(en: "no environment file is known for this project", ar: "لا يُعرف ملف بيئة لهذا المشروع")
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return (
                .fail,
                LocalizedText(
                    en: "\(path) does not exist: run `sheen apply` to write it",
                    ar: "الملف \(path) غير موجود: شغّل `sheen apply` لكتابته")
            )
        }
        var set = Set<String>()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(
                in: CharacterSet(charactersIn: "\"' "))
            if !value.isEmpty { set.insert(String(trimmed[..<equals])) }
        }
        let missing = settings.requiredVariables.filter { !set.contains($0) }
        guard missing.isEmpty else {
            let names = missing.joined(separator: ", ")
            return (
                .fail,
                LocalizedText(en: "\(path) lacks \(names)", ar: "ينقص الملف \(path): \(names)")
            )
        }
        return (
            .pass,
            LocalizedText(
                en: "\(path) sets all \(settings.requiredVariables.count) variables",
                ar: "يضبط الملف \(path) كل المتغيرات (\(settings.requiredVariables.count))")
        )
    }

    func deployRegion() -> (ProbeOutcome.Verdict, LocalizedText) {
        guard let region = settings.region else {
            return (
                .unknown,
                LocalizedText(en: "no deployment region is recorded yet", ar: "لم تُسجَّل منطقة نشر بعد")
            )
        }
        return (.pass, LocalizedText(en: "deploys to \(region)", ar: "النشر إلى \(region)"))
    }
}
