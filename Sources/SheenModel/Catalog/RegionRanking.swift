/// A provider's regions in the order a project should try them: in a residency country first (the residency's own
/// order), then in the project's markets, then in the Gulf, then the rest as the manifest lists them. When residency
/// is required, only regions in its countries are candidates at all. Pure, so the planner and the adapters rank alike.
public enum RegionRanking {
    static let gulf = ["SA", "AE", "QA", "BH", "KW", "OM"]

    public static func rank(
        _ regions: [ProviderManifest.Region], residency: Project.Residency?, markets: [CountryCode]
    ) -> [ProviderManifest.Region] {
        func tier(_ region: ProviderManifest.Region) -> (Int, Int)? {
            if let residency, let index = residency.countries.firstIndex(of: region.country) { return (0, index) }
            if residency?.level == .required { return nil }
            if let index = markets.firstIndex(of: region.country) { return (1, index) }
            if let index = gulf.firstIndex(of: region.country.rawValue) { return (2, index) }
            return (3, 0)
        }
        return regions.enumerated().compactMap { offset, region in tier(region).map { ($0, offset, region) } }
            .sorted { ($0.0.0, $0.0.1, $0.1) < ($1.0.0, $1.0.1, $1.1) }
            .map(\.2)
    }

    /// The `residency` input a step is given: `required:SA,AE` or `preferred:SA`.
    public static func describe(_ residency: Project.Residency) -> String {
        "\(residency.level.rawValue):" + residency.countries.map(\.rawValue).joined(separator: ",")
    }
}
