import Foundation
import Testing

/// The issue's browser test: a real headless Chromium, driven over WebDriver, signs in to `sheen serve`'s Arabic
/// dashboard, starts an arabic-ecommerce project, launches it in the sandbox and watches every checklist item turn
/// green, then checks the page is laid out right to left. Screenshots of the Arabic and English pages are written to
/// `$SHEEN_ARTIFACTS` (default `.ci/artifacts`), which CI keeps.
@Suite("Dashboard in a real browser", .enabled(if: WebDriver.available, "needs chromium and chromium-driver"))
struct DashboardBrowserTests {
    static var artifacts: URL {
        let path =
            ProcessInfo.processInfo.environment["SHEEN_ARTIFACTS"]
            ?? SheenBinary.repository.appendingPathComponent(".ci/artifacts").path
        return URL(fileURLWithPath: path).appendingPathComponent("screenshots")
    }

    @Test("an Arabic launch from the dashboard turns every checklist item green; the page is right to left")
    func arabicLaunch() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["SHEEN_KEYRING": directory.appendingPathComponent("keys/keyring.json").path]
        let created = try await SheenBinary.run(
            ["tokens", "create", "--name", "browser", "--project", "*", "--json"], in: directory,
            environment: environment)
        #expect(created.status == 0, "\(created.stderr)")
        let token = try #require(
            (try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["secret"] as? String)
        let block = SheenBinary.portBlock()
        // API and dashboard only: there is no project file in the directory.
        let server = try SheenBinary.serve(
            ["--sandbox-port-base", String(block)], in: directory, environment: environment, until: "/v1,")
        defer { server.stop() }
        let browser = try await WebDriver.start(port: block + 90, language: "ar")
        // Quit before returning, thrown or not: a chromedriver left behind would hold its port past this run.
        do {
            try await launchFromDashboard(browser, site: "http://127.0.0.1:\(server.port)", token: token)
        } catch {
            await browser.quit()
            throw error
        }
        await browser.quit()
    }

    func launchFromDashboard(_ browser: WebDriver, site: String, token: String) async throws {
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)

        // The root sends an Arabic browser to the Arabic pages, which ask for a token first.
        try await browser.open(site + "/")
        #expect(try await browser.evaluate("return location.pathname") as? String == "/ar/login")
        try await browser.type(token, into: "#token")
        try await browser.click("#sign-in")
        #expect(try await browser.wait(until: "return !!document.getElementById('new-project')", timeout: .seconds(60)))
        try await browser.type("souq", into: "#project-name")
        try await browser.click("input[name=markets][value=SA]")
        #expect(
            try await browser.evaluate("return document.getElementById('recipe').value") as? String
                == "arabic-ecommerce")
        try await browser.screenshot().write(to: Self.artifacts.appendingPathComponent("ar-projects.png"))
        try await browser.click("#create-project")
        #expect(
            try await browser.wait(until: "return !!document.getElementById('launch-sandbox')", timeout: .seconds(60)))
        // The plan says who was chosen and why before anything is launched.
        let plan = try await browser.evaluate("return document.getElementById('plan-title').parentElement.innerText")
        #expect((plan as? String)?.contains("tap") == true, "\(plan ?? "")")

        try await browser.click("#launch-sandbox")
        let green = try await browser.wait(
            until: """
                var c = document.getElementById('checklist'); var items = document.querySelectorAll('#items li');
                return c && c.getAttribute('data-ready') === 'true' && items.length > 0 &&
                  Array.prototype.every.call(items, function (li) { return li.getAttribute('data-status') === 'True'; });
                """, timeout: .seconds(120))
        let state = try await browser.evaluate(
            "return document.getElementById('checklist').outerHTML + document.getElementById('launch')?.outerHTML")
        #expect(green, "the checklist did not turn green: \(state ?? "")")
        let count = try await browser.evaluate("return document.querySelectorAll('#items li').length") as? Int
        #expect((count ?? 0) >= 5)
        #expect(
            try await browser.wait(
                until: "return document.getElementById('launch').getAttribute('data-status') === 'succeeded'",
                timeout: .seconds(30)))

        // Laid out right to left, in Arabic, with the Arabic web font served.
        #expect(
            try await browser.evaluate("return getComputedStyle(document.documentElement).direction") as? String
                == "rtl")
        #expect(try await browser.evaluate("return getComputedStyle(document.body).direction") as? String == "rtl")
        #expect(try await browser.evaluate("return document.documentElement.lang") as? String == "ar")
        let title = try await browser.evaluate("return document.getElementById('checklist-title').innerText") as? String
        #expect(title?.contains("قائمة التفعيل") == true)
        #expect(
            try await browser.wait(
                until: "return document.fonts.check('16px \"Sheen Arabic\"') && document.fonts.status === 'loaded'",
                timeout: .seconds(60)))
        try await browser.screenshot().write(to: Self.artifacts.appendingPathComponent("ar-project.png"))

        // The same project in English reads left to right, with the same green checklist.
        try await browser.open(site + "/en/projects/souq")
        #expect(
            try await browser.evaluate("return getComputedStyle(document.documentElement).direction") as? String
                == "ltr")
        #expect(
            try await browser.evaluate("return document.getElementById('checklist').getAttribute('data-ready')")
                as? String == "true")
        try await browser.screenshot().write(to: Self.artifacts.appendingPathComponent("en-project.png"))
        // The first link in the page, so the first thing Tab reaches, is the skip link to the content.
        #expect(try await browser.evaluate("return document.querySelector('a').className") as? String == "skip")
        #expect(
            try await browser.evaluate("return document.querySelector('a.skip').getAttribute('href')") as? String
                == "#main")
    }
}
