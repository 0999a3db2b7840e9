/// Domestic payment schemes whose settlement currency is fixed by the scheme itself, whatever the provider says.
///
/// Sources: Tap's per-method pages (mada SAR only, KNET KWD only, Benefit BHD only, OmanNet OMR, NAPS/QPay QAR),
/// Amazon Payment Services (Meeza EGP) — see `research/mena.md` §1.2.
public struct PaymentScheme: Sendable, Hashable {
    public var id: String
    public var market: CountryCode
    public var currency: CurrencyCode

    /// The schemes Sheen knows, keyed by the method id manifests use.
    public static let known: [String: PaymentScheme] = {
        let rows: [(String, String, String)] = [
            ("mada", "SA", "SAR"), ("stcpay", "SA", "SAR"), ("knet", "KW", "KWD"), ("benefit", "BH", "BHD"),
            ("benefitpay", "BH", "BHD"), ("omannet", "OM", "OMR"), ("qpay", "QA", "QAR"), ("naps", "QA", "QAR"),
            ("meeza", "EG", "EGP"), ("fawry", "EG", "EGP"), ("vodafone-cash", "EG", "EGP"),
        ]
        var table: [String: PaymentScheme] = [:]
        for (id, market, currency) in rows {
            guard let market = CountryCode(rawValue: market), let currency = CurrencyCode(rawValue: currency) else {
                continue
            }
            table[id] = PaymentScheme(id: id, market: market, currency: currency)
        }
        return table
    }()
}
