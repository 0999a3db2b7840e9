import Foundation
import SheenModel

/// Chooses the providers that fill each slot of a recipe for a request, and explains every choice and exclusion.
///
/// A provider is *eligible* for a slot in a market when it offers every capability of the slot, is available, has a
/// base URL for the environment, serves the market, settles the market's currency, offers the payment methods the
/// slot requires there, and (when required) keeps data in the project's residency countries. Among eligible
/// providers the order is: residency match (when merely preferred), then the recipe's preference, then id.
public struct ProviderResolver: Sendable {
    public let catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    public func resolve(_ request: PlanRequest) throws(PlanError) -> [SlotResolution] {
        guard !request.markets.isEmpty else { throw .noMarkets }
        var resolutions: [SlotResolution] = []
        var unsatisfiable: [PlanError.Unfilled] = []
        for slot in request.recipe.slots {
            if request.disabledSlots.contains(slot.name) {
                guard slot.optional else { throw .requiredSlotDisabled(slot: slot.name) }
                resolutions.append(
                    SlotResolution(
                        slot: slot.name, optional: true, capabilities: slot.capabilities, assignments: [],
                        exclusions: [],
                        uncoveredMarkets: [], disabled: true))
                continue
            }
            let context = SlotContext(slot: slot, request: request, catalog: catalog)
            let resolution = try context.resolve()
            if !slot.optional, !resolution.uncoveredMarkets.isEmpty {
                unsatisfiable.append(
                    PlanError.Unfilled(
                        slot: slot.name, markets: resolution.uncoveredMarkets,
                        nearest: context.nearest(for: resolution.uncoveredMarkets)))
            }
            resolutions.append(resolution)
        }
        if !unsatisfiable.isEmpty { throw .unsatisfiable(unsatisfiable) }
        return resolutions
    }
}

/// The work of resolving one slot, with the request's facts at hand.
private struct SlotContext {
    let slot: Recipe.Slot
    let request: PlanRequest
    let candidates: [ProviderManifest]
    let preference: [String]

    init(slot: Recipe.Slot, request: PlanRequest, catalog: Catalog) {
        self.slot = slot
        self.request = request
        self.preference = slot.prefer.map(\.id)
        // Candidates offer at least one capability of the slot; providers offering none are not worth explaining.
        self.candidates = catalog.sortedProviders.filter { provider in
            slot.capabilities.contains(where: provider.capabilities.contains)
        }
    }

    // MARK: Rules

    struct Failure {
        var rule: ExclusionRule
        var detail: LocalizedText
    }

    /// Rules that do not depend on the market.
    func globalFailure(_ provider: ProviderManifest) -> Failure? {
        let missing = slot.capabilities.filter { !provider.capabilities.contains($0) }
        if !missing.isEmpty {
            let list = missing.map(\.rawValue).joined(separator: ", ")
            return Failure(
                rule: .capability,
                detail: .init(en: "\(provider.id) lacks \(list)", ar: "\(provider.id) لا يقدّم \(list)"))
        }
        if provider.status == .comingSoon {
            return Failure(
                rule: .comingSoon,
                detail: .init(
                    en: "\(provider.id) is coming soon" + (provider.statusReason.map { ": \($0.en)" } ?? ""),
                    ar: "\(provider.id) قادم قريبًا" + (provider.statusReason.map { ": \($0.ar)" } ?? "")))
        }
        if provider.baseURLs[request.environment] == nil {
            let env = request.environment.rawValue
            return Failure(
                rule: .environment,
                detail: .init(
                    en: "\(provider.id) has no \(env) environment", ar: "لا توجد بيئة \(env) لدى \(provider.id)"))
        }
        return nil
    }

    /// Rules for one market, after the global ones passed.
    func marketFailure(_ provider: ProviderManifest, _ market: CountryCode) -> Failure? {
        if !provider.serves(market) {
            // Long lists (Stripe's) read better as a count.
            let served =
                provider.markets.count > 8
                ? "\(provider.markets.count) markets" : provider.markets.map(\.rawValue).joined(separator: ", ")
            return Failure(
                rule: .market,
                detail: .init(
                    en: "\(provider.id) covers \(served); not \(market)",
                    ar:
                        "\(provider.id) يغطي \(served.replacingOccurrences(of: " markets", with: " سوقًا")) وليس \(market)"
                ))
        }
        let movesMoney = !provider.currencies.isEmpty || [.payment, .bnpl].contains(provider.category)
        if movesMoney {
            for currency in request.currencies(for: market) where !provider.settles(currency) {
                return Failure(
                    rule: .currency,
                    detail: .init(
                        en: "\(provider.id) does not settle \(currency)", ar: "\(provider.id) لا يسوّي بعملة \(currency)"
                    ))
            }
        }
        for method in requiredMethods(in: market) where !offers(provider, method: method, in: market) {
            return Failure(
                rule: .paymentMethod,
                detail: .init(
                    en: "\(provider.id) lacks \(method) in \(market)",
                    ar: "\(provider.id) لا يقدّم \(method) في \(market)"))
        }
        if let residency = request.residency, slot.residency, residency.level == .required,
            !hasRegion(provider, in: residency.countries)
        {
            let countries = residency.countries.map(\.rawValue).joined(separator: ", ")
            return Failure(
                rule: .residency,
                detail: .init(
                    en: "\(provider.id) has no region in \(countries)",
                    ar: "لا توجد منطقة لدى \(provider.id) في \(countries)"))
        }
        return nil
    }

    /// The slot's payment methods that apply in `market`: a domestic scheme only in its own market, any other method
    /// everywhere.
    func requiredMethods(in market: CountryCode) -> [String] {
        slot.paymentMethods.filter { method in PaymentScheme.known[method].map { $0.market == market } ?? true }
    }

    func offers(_ provider: ProviderManifest, method: String, in market: CountryCode) -> Bool {
        let currencies = request.currencies(for: market)
        return provider.paymentMethods.contains { offered in
            offered.id == method && (offered.markets.isEmpty || offered.markets.contains(market))
                && (offered.currencies.isEmpty || currencies.contains(where: offered.currencies.contains))
        }
    }

    func hasRegion(_ provider: ProviderManifest, in countries: [CountryCode]) -> Bool {
        provider.regions.contains { countries.contains($0.country) }
    }

    func failure(_ provider: ProviderManifest, _ market: CountryCode) -> Failure? {
        globalFailure(provider) ?? marketFailure(provider, market)
    }

    // MARK: Ranking

    /// Lower is better: an in-country region (when residency is only preferred), then the recipe's order, then id.
    func rank(_ provider: ProviderManifest) -> (Int, Int, String) {
        var residencyMiss = 0
        if let residency = request.residency, slot.residency, !hasRegion(provider, in: residency.countries) {
            residencyMiss = 1
        }
        return (residencyMiss, preference.firstIndex(of: provider.id) ?? preference.count, provider.id)
    }

    func pin(for market: CountryCode) -> String? {
        request.pins["\(slot.name).\(market)"] ?? request.pins[slot.name]
    }

    // MARK: Choosing

    func resolve() throws(PlanError) -> SlotResolution {
        var chosen: [CountryCode: ProviderManifest] = [:]
        var split = false
        var pinned: Set<String> = []
        for market in request.markets {
            guard let id = pin(for: market) else { continue }
            guard let provider = candidates.first(where: { $0.id == id }) else {
                throw .pinnedProviderIneligible(slot: slot.name, provider: id, market: market, detail: nil)
            }
            if let failure = failure(provider, market) {
                throw .pinnedProviderIneligible(slot: slot.name, provider: id, market: market, detail: failure.detail)
            }
            chosen[market] = provider
            pinned.insert(id)
        }
        let open = request.markets.filter { chosen[$0] == nil }
        let ranked = candidates.sorted { rank($0) < rank($1) }
        if !slot.perMarket, !open.isEmpty {
            if let single = ranked.first(where: { provider in open.allSatisfy { failure(provider, $0) == nil } }) {
                for market in open { chosen[market] = single }
            } else {
                split = open.count > 1
            }
        }
        for market in open where chosen[market] == nil {
            chosen[market] = ranked.first { failure($0, market) == nil }
        }

        var assignments: [SlotResolution.Assignment] = []
        for market in request.markets {
            guard let provider = chosen[market] else { continue }
            if let index = assignments.firstIndex(where: { $0.provider == provider.id }) {
                assignments[index].markets.append(market)
            } else {
                assignments.append(.init(provider: provider.id, markets: [market], reasons: []))
            }
        }
        for index in assignments.indices {
            let provider = candidates.first { $0.id == assignments[index].provider }
            if let provider {
                assignments[index].reasons = reasons(
                    for: provider, markets: assignments[index].markets, pinned: pinned.contains(provider.id),
                    split: split && assignments.count > 1)
                assignments[index].notes = slot.capabilities.compactMap { provider.capabilityNotes[$0] }
                for market in assignments[index].markets {
                    if let host = provider.marketBaseURLs[market] { assignments[index].hosts[market] = host }
                }
            }
        }
        let chosenIDs = Set(assignments.map(\.provider))
        let exclusions = candidates.filter { !chosenIDs.contains($0.id) }.map { exclusion(for: $0, chosen: chosen) }
        return SlotResolution(
            slot: slot.name, optional: slot.optional, capabilities: slot.capabilities, assignments: assignments,
            exclusions: exclusions, uncoveredMarkets: request.markets.filter { chosen[$0] == nil }, disabled: false)
    }

    func exclusion(for provider: ProviderManifest, chosen: [CountryCode: ProviderManifest]) -> SlotResolution.Exclusion
    {
        if let failure = globalFailure(provider) {
            return .init(provider: provider.id, rule: failure.rule, detail: failure.detail)
        }
        let failures = request.markets.compactMap { market in marketFailure(provider, market) }
        if failures.count == request.markets.count, let first = failures.first {
            return .init(provider: provider.id, rule: first.rule, detail: first.detail)
        }
        // Eligible somewhere, yet another provider took those markets.
        let winners = Set(
            request.markets.filter { marketFailure(provider, $0) == nil }.compactMap { chosen[$0]?.id }
        ).sorted()
        let winnerList = winners.joined(separator: ", ")
        if winners.contains(where: { id in request.pins.values.contains(id) }) {
            return .init(
                provider: provider.id, rule: .pinned,
                detail: .init(en: "the project pins \(winnerList)", ar: "المشروع يثبّت \(winnerList)"))
        }
        return .init(
            provider: provider.id, rule: .preference,
            detail: .init(en: "\(winnerList) ranks higher", ar: "\(winnerList) أعلى ترتيبًا"))
    }

    // MARK: Explaining

    func reasons(for provider: ProviderManifest, markets: [CountryCode], pinned: Bool, split: Bool) -> [LocalizedText] {
        var reasons: [LocalizedText] = []
        let marketList = markets.map(\.rawValue).joined(separator: "/")
        if pinned {
            reasons.append(.init(en: "pinned in the project file", ar: "مثبّت في ملف المشروع"))
        } else if let index = preference.firstIndex(of: provider.id) {
            let passedOver = preference.prefix(index).compactMap { id -> LocalizedText? in
                guard let other = candidates.first(where: { $0.id == id }) else { return nil }
                let failure = globalFailure(other) ?? markets.lazy.compactMap { marketFailure(other, $0) }.first
                return failure?.detail
            }
            if index == 0 {
                reasons.append(.init(en: "the recipe prefers it", ar: "الوصفة تفضّله"))
            } else {
                reasons.append(
                    .init(
                        en: "the recipe's choice #\(index + 1)"
                            + (passedOver.isEmpty ? "" : " (" + passedOver.map(\.en).joined(separator: "; ") + ")"),
                        ar: "الخيار رقم \(index + 1) في الوصفة"
                            + (passedOver.isEmpty ? "" : " (" + passedOver.map(\.ar).joined(separator: "؛ ") + ")")))
            }
        } else {
            reasons.append(
                .init(en: "the first eligible provider (none preferred fits)", ar: "أول مزوّد مؤهل (لا يناسب أي مفضّل)"))
        }
        if !provider.markets.isEmpty {
            reasons.append(.init(en: "it serves \(marketList)", ar: "يخدم \(marketList)"))
        }
        if !provider.currencies.isEmpty {
            var currencies: [CurrencyCode] = []
            for market in markets {
                for currency in request.currencies(for: market) where !currencies.contains(currency) {
                    currencies.append(currency)
                }
            }
            let list = currencies.map(\.rawValue).joined(separator: ", ")
            reasons.append(.init(en: "settles \(list)", ar: "يسوّي بعملة \(list)"))
        }
        let methods = markets.flatMap { market in requiredMethods(in: market).map { "\($0) (\(market))" } }
        if !methods.isEmpty {
            var unique: [String] = []
            for method in methods where !unique.contains(method) { unique.append(method) }
            let list = unique.joined(separator: ", ")
            reasons.append(.init(en: "offers \(list)", ar: "يقدّم \(list)"))
        }
        if let residency = request.residency, slot.residency {
            let inCountry = provider.regions.filter { residency.countries.contains($0.country) }
            let countries = residency.countries.map(\.rawValue).joined(separator: ", ")
            if let region = inCountry.first {
                reasons.append(
                    .init(
                        en: "keeps data in \(region.id) (\(region.country))",
                        ar: "يحفظ البيانات في \(region.id) (\(region.country))"))
            } else {
                let nearby = provider.regions.first { gulf.contains($0.country.rawValue) } ?? provider.regions.first
                let near = nearby.map { " \($0.id) (\($0.country))" } ?? ""
                reasons.append(
                    .init(
                        en: "no region in \(countries) (residency is preferred, not required); nearest:\(near)",
                        ar: "لا توجد منطقة في \(countries) (الإقامة مفضّلة وليست إلزامية)؛ الأقرب:\(near)"))
            }
        }
        if split {
            reasons.append(.init(en: "no single provider covers every market", ar: "لا يوجد مزوّد واحد يغطي كل الأسواق"))
        }
        return reasons
    }

    private var gulf: Set<String> { ["SA", "AE", "KW", "BH", "QA", "OM"] }

    /// For an error: what each candidate lacks in the uncovered markets, preferred providers first, three at most.
    func nearest(for markets: [CountryCode]) -> [LocalizedText] {
        let ranked = candidates.sorted { rank($0) < rank($1) }
        var details: [LocalizedText] = []
        for provider in ranked where globalFailure(provider)?.rule != .capability {
            if let failure = globalFailure(provider) ?? markets.lazy.compactMap({ marketFailure(provider, $0) }).first {
                details.append(failure.detail)
            }
            if details.count == 3 { break }
        }
        return details
    }
}
