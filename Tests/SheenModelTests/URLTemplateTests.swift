import SheenModel
import Testing

@Suite("URL templates")
struct URLTemplateTests {
    @Test("placeholders are read in order and filled from a connection's fields")
    func expands() throws {
        let template = URLTemplate("https://{domain}/api/v2/{tenant}/x")
        #expect(template.placeholders == ["domain", "tenant"])
        let url = try template.expanded(with: ["domain": "acme.auth0.com", "tenant": "t1"]).get()
        #expect(url == "https://acme.auth0.com/api/v2/t1/x")
        #expect(template.sample == "https://sample/api/v2/sample/x")
    }

    @Test("a missing or empty field is named, not left in the URL")
    func missingField() {
        let template = URLTemplate("https://api.example.com/v1_1/{cloud_name}")
        #expect(template.expanded(with: [:]) == .failure(URLTemplate.MissingField(name: "cloud_name")))
        #expect(template.expanded(with: ["cloud_name": ""]) == .failure(URLTemplate.MissingField(name: "cloud_name")))
    }

    @Test("a URL without braces is its own expansion; an unclosed brace is not a placeholder")
    func plain() throws {
        #expect(try URLTemplate("https://api.tap.company").expanded(with: [:]).get() == "https://api.tap.company")
        #expect(URLTemplate("https://x/{open").placeholders == [])
    }
}
