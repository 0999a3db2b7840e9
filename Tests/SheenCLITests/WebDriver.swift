import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// A W3C WebDriver client (https://www.w3.org/TR/webdriver2/) for Debian's chromium-driver: starts `chromedriver`,
/// opens a headless Chromium session, and drives it the way a person would, by CSS selector, click and keystroke.
struct WebDriver {
    static let driverPath = "/usr/bin/chromedriver"
    static let browserPath = "/usr/bin/chromium"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: driverPath)
            && FileManager.default.isExecutableFile(atPath: browserPath)
    }

    /// The W3C key an element reference travels under.
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    let driver: Process
    let base: String
    let session: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts chromedriver on `port` and a headless browser whose interface language is `language`.
    static func start(port: Int, language: String) async throws -> WebDriver {
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: driverPath)
        driver.arguments = ["--port=\(port)"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        let base = "http://127.0.0.1:\(port)"
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while ContinuousClock.now < deadline {
            if let status = try? await call(base, .GET, "/status", nil),
                (status["value"] as? [String: Any])?["ready"] as? Bool == true
            {
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": browserPath,
                        // CI runs as root, where Chromium's sandbox cannot start; /dev/shm is small in containers.
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1800",
                            "--lang=\(language)", "--disable-gpu",
                        ],
                        // Headless Chromium ignores --lang for Accept-Language; the preference sets it.
                        "prefs": ["intl.accept_languages": language],
                    ],
                ]
            ]
        ]
        let created = try await call(base, .POST, "/session", capabilities)
        guard let session = (created["value"] as? [String: Any])?["sessionId"] as? String else {
            kill(driver.processIdentifier, SIGKILL)
            throw Failure(description: "chromedriver made no session: \(created)")
        }
        return WebDriver(driver: driver, base: base, session: session)
    }

    /// Ends the session and the driver. chromedriver ignores SIGTERM, so it is asked to shut down and killed if it
    /// has not; nothing here blocks a cooperative thread waiting for it.
    func quit() async {
        _ = try? await Self.call(base, .DELETE, "/session/\(session)", nil)
        _ = try? await Self.call(base, .GET, "/shutdown", nil)
        for _ in 0..<40 where driver.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        if driver.isRunning { kill(driver.processIdentifier, SIGKILL) }
    }

    func open(_ url: String) async throws { _ = try await command(.POST, "/url", ["url": url]) }

    func element(_ selector: String) async throws -> String {
        let found = try await command(.POST, "/element", ["using": "css selector", "value": selector])
        guard let id = (found["value"] as? [String: Any])?[Self.elementKey] as? String else {
            throw Failure(description: "no element \(selector): \(found)")
        }
        return id
    }

    func click(_ selector: String) async throws {
        _ = try await command(.POST, "/element/\(try await element(selector))/click", [:])
    }

    func type(_ text: String, into selector: String) async throws {
        _ = try await command(.POST, "/element/\(try await element(selector))/value", ["text": text])
    }

    /// Runs `script` in the page and returns its value.
    func evaluate(_ script: String) async throws -> Any? {
        try await command(.POST, "/execute/sync", ["script": script, "args": []])["value"]
    }

    /// Waits until `script` returns true, up to `timeout`.
    func wait(until script: String, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if try await evaluate(script) as? Bool == true { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    /// A PNG of the viewport.
    func screenshot() async throws -> Data {
        let reply = try await command(.GET, "/screenshot", nil)
        guard let text = reply["value"] as? String, let data = Data(base64Encoded: text) else {
            throw Failure(description: "no screenshot")
        }
        return data
    }

    private func command(_ method: HTTPMethod, _ path: String, _ body: [String: Any]?) async throws -> [String: Any] {
        let reply = try await Self.call(base, method, "/session/\(session)\(path)", body)
        if let value = reply["value"] as? [String: Any], let error = value["error"] as? String {
            throw Failure(description: "\(path): \(error): \(value["message"] ?? "")")
        }
        return reply
    }

    private static func call(
        _ base: String, _ method: HTTPMethod, _ path: String, _ body: [String: Any]?
    ) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = try await response.body.collect(upTo: 32 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
    }
}
