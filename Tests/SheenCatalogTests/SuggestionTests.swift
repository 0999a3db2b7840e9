import Testing

@testable import SheenCatalog

@Suite("Did you mean")
struct SuggestionTests {
    @Test(
        "finds the intended word",
        arguments: [
            ("capabilites", "capabilities"), ("markts", "markets"), ("naem", "name"), ("verify-kye", "verify-key"),
            ("categroy", "category"),
        ])
    func typo(word: String, expected: String) {
        let candidates = ["capabilities", "markets", "name", "verify-key", "category", "currencies", "id"]
        #expect(Suggestion.closest(to: word, in: candidates) == expected)
    }

    @Test("stays quiet when nothing is close")
    func unrelated() {
        #expect(Suggestion.closest(to: "launch-party", in: ["domain-ssl", "shipping-label"]) == nil)
    }

    @Test("counts a swap of neighbours as one edit")
    func transposition() {
        #expect(Suggestion.editDistance(Array("ab"), Array("ba")) == 1)
        #expect(Suggestion.editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(Suggestion.editDistance(Array(""), Array("abc")) == 3)
    }
}
