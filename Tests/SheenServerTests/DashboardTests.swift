import Foundation
import NIOHTTP1
import SheenApplication
import SheenEngine
import SheenModel
import SheenServer
import SheenStore
import SheenWebhooks
import Testing

@Suite("The dashboard's pages and forms over HTTP")
struct DashboardTests {
    @Test("sign-in: a good token sets an HttpOnly SameSite=Strict cookie; a bad one is refused; no cookie, no pages")
    func signIn() async throws {
        try await ConsoleAPIHarness.with { api in
            let root = try await api.page(.GET, "/", token: nil, headers: ["Accept-Language": "ar-SA,ar;q=0.9"])
            #expect(root.status == 303 && root.headers.first(name: "Location") == "/ar/")
            let english = try await api.page(.GET, "/", token: nil, headers: ["Accept-Language": "en-GB"])
            #expect(english.headers.first(name: "Location") == "/en/")
            let anonymous = try await api.page(.GET, "/ar/", token: nil)
            #expect(anonymous.status == 303 && anonymous.headers.first(name: "Location") == "/ar/login")
            let bad = try await api.page(.POST, "/ar/login", token: nil, form: [("token", "sheen_wrong")])
            #expect(bad.status == 401 && bad.text.contains("role=\"alert\"") && bad.text.contains("dir=\"rtl\""))
            let good = try await api.page(.POST, "/en/login", token: nil, form: [("token", api.admin)])
            let cookie = try #require(good.headers.first(name: "Set-Cookie"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            #expect(good.headers.first(name: "Location") == "/en/")
        }
    }

    @Test("every form field has a label; the pages are Arabic right to left or English left to right")
    func accessiblePages() async throws {
        try await ConsoleAPIHarness.with { api in
            try await api.createProject("souq")
            for (path, direction) in [("/ar/", "rtl"), ("/en/", "ltr"), ("/ar/projects/souq", "rtl")] {
                let page = try await api.page(.GET, path, token: api.admin)
                #expect(page.status == 200, "\(path)")
                #expect(page.text.contains("dir=\"\(direction)\""), "\(path)")
                #expect(page.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)
                // Every visible input and select is named by a <label for=…>, or is a checkbox inside its label.
                let ids = Self.matches(#"<(?:input|select)[^>]*\sid="([^"]+)""#, in: page.text)
                let labelled = Set(Self.matches(#"<label[^>]*\sfor="([^"]+)""#, in: page.text))
                for id in ids { #expect(labelled.contains(id), "\(path): #\(id) has no label") }
                #expect(page.text.contains("<a class=\"skip\" href=\"#main\">"), "\(path): a skip link first")
            }
            let project = try await api.page(.GET, "/en/projects/souq", token: api.admin)
            // The plan with its reasons and a monthly cost; a connect form per missing provider, secrets as passwords.
            #expect(project.text.contains("the recipe prefers it"))
            #expect(project.text.contains("Monthly cost") && project.text.contains("SAR"))
            #expect(project.text.contains("name=\"field.secret_key\" type=\"password\""))
            #expect(project.text.contains("<input type=\"hidden\" name=\"provider\" value=\"tap\">"))
        }
    }

    @Test("a connect form seals the credentials and audits it; a cross-site post is refused; replay from the page")
    func forms() async throws {
        try await ConsoleAPIHarness.with { api in
            try await api.createProject("souq")
            let secret = "sk_test_DashCanary42"
            let crossSite = try await api.page(
                .POST, "/en/projects/souq/connections", token: api.admin,
                form: [("provider", "tap"), ("field.secret_key", secret)], headers: ["Origin": "https://evil.example"])
            #expect(crossSite.status == 303 && crossSite.headers.first(name: "Location") == "/en/login")
            #expect(try await api.connections.list(project: "souq").isEmpty)
            let connected = try await api.page(
                .POST, "/en/projects/souq/connections", token: api.admin,
                form: [("provider", "tap"), ("field.secret_key", secret), ("field.public_key", "pk_test_1")],
                headers: ["Origin": "http://127.0.0.1:\(api.port)"])
            #expect(connected.status == 303, "\(connected.text)")
            #expect(connected.headers.first(name: "Location") == "/en/projects/souq?notice=connected")
            #expect(try await api.connections.list(project: "souq").map(\.connection.reference) == ["tap/default"])
            let refused = try await api.page(
                .POST, "/en/projects/souq/connections", token: api.admin,
                form: [("provider", "tap"), ("field.secret_key", "sk_live_DashCanary42")])
            #expect(refused.status == 422 && refused.text.contains("role=\"alert\""))
            #expect(!refused.text.contains("DashCanary42"), "a refused value is never echoed")
            let page = try await api.page(.GET, "/en/projects/souq?notice=connected", token: api.admin)
            #expect(page.text.contains("tap/default") && !page.text.contains("DashCanary42"))
            let audit = try await api.api.audit.entries(project: "souq")
            #expect(audit.map(\.action) == [.credentialWrite])
            // A reader may look but not act.
            let readerPost = try await api.page(
                .POST, "/en/projects/souq/connections", token: api.reader,
                form: [("provider", "stripe"), ("field.secret_key", "sk_test_x")])
            #expect(readerPost.status == 403 && readerPost.text.contains("write"))

            // A dead letter is listed on the page with a replay button that queues it again, audited.
            let id = try await api.deadLetter("evt_dash_1")
            let dead = try await api.page(.GET, "/ar/projects/souq", token: api.admin)
            #expect(dead.text.contains("action=\"/ar/projects/souq/events/\(id)/replay\""))
            let replayed = try await api.page(.POST, "/ar/projects/souq/events/\(id)/replay", token: api.admin)
            #expect(replayed.status == 303)
            #expect(replayed.headers.first(name: "Location") == "/ar/projects/souq?notice=replayed")
            #expect(try await api.events.event(id)?.0.status == .received)
            #expect(try await api.api.audit.entries(project: "souq").first?.action == .eventReplay)
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
