import Foundation
import Testing

/// The boundary matrix through `sheen webhooks verify`: the exit code and the reason, as a user would see them.
@Suite("sheen webhooks verify and sign")
struct WebhooksCommandTests {
    static let now = 1_800_000_000
    static let secrets = [
        "stripe": "whsec_cli_secret", "standard-webhooks": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "github": "github-cli-secret", "slack": "slack-cli-secret",
    ]

    struct Workspace {
        let directory: URL
        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        func sheen(_ arguments: [String], secret: String) async throws -> SheenBinary.Output {
            try await SheenBinary.run(arguments, in: directory, environment: ["HOOK_SECRET": secret])
        }
    }

    func verify(
        _ workspace: Workspace, scheme: String, headers: String, body: String, now: Int = now
    ) async throws -> SheenBinary.Output {
        try workspace.write("h.txt", headers)
        try workspace.write("b.json", body)
        return try await workspace.sheen(
            [
                "webhooks", "verify", "--scheme", scheme, "--secret", "@env:HOOK_SECRET", "--headers", "h.txt",
                "--body", "b.json", "--now", "\(now)",
            ], secret: Self.secrets[scheme] ?? "")
    }

    @Test(
        "genuine, a changed byte, a missing header, upper-case names and the tolerance edges",
        arguments: ["stripe", "standard-webhooks", "github", "slack"])
    func matrix(scheme: String) async throws {
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let workspace = Workspace(directory: directory)
        let body = #"{"id":"evt_1","amount":1000}"#
        try workspace.write("b.json", body)
        let signed = try await workspace.sheen(
            [
                "webhooks", "sign", "--scheme", scheme, "--secret", "@env:HOOK_SECRET", "--body", "b.json", "--now",
                "\(Self.now)", "--id", "msg_1",
            ],
            secret: Self.secrets[scheme] ?? "")
        #expect(signed.status == 0, "\(signed.stderr)")
        let headers = "HTTP/1.1 200 OK\r\n" + signed.stdout

        let genuine = try await verify(workspace, scheme: scheme, headers: headers, body: body)
        #expect(genuine.status == 0 && genuine.stdout.contains("genuine"), "\(genuine.stdout)\(genuine.stderr)")
        let changed = try await verify(
            workspace, scheme: scheme, headers: headers, body: body.replacingOccurrences(of: "1000", with: "1001"))
        #expect(changed.status == 1 && changed.stdout.contains("no signature matches"))
        let missing = try await verify(
            workspace, scheme: scheme, headers: "Content-Type: application/json\n", body: body)
        #expect(missing.status == 1 && missing.stdout.contains("no signature header"))
        // Header names in upper case (their values keep their case: hex and base64 mind it).
        let renamed = headers.split(separator: "\n").map { line -> String in
            guard let colon = line.firstIndex(of: ":") else { return String(line) }
            return line[..<colon].uppercased() + line[colon...]
        }.joined(separator: "\n")
        #expect(try await verify(workspace, scheme: scheme, headers: renamed, body: body).status == 0)
        if scheme != "github" {
            #expect(
                try await verify(workspace, scheme: scheme, headers: headers, body: body, now: Self.now + 299).status
                    == 0)
            #expect(
                try await verify(workspace, scheme: scheme, headers: headers, body: body, now: Self.now - 299).status
                    == 0)
            let late = try await verify(workspace, scheme: scheme, headers: headers, body: body, now: Self.now + 301)
            #expect(late.status == 1 && late.stdout.contains("timestamp outside tolerance (-301 s)"))
            let early = try await verify(workspace, scheme: scheme, headers: headers, body: body, now: Self.now - 301)
            #expect(early.status == 1 && early.stdout.contains("(+301 s)"))
        }
    }

    @Test("usage errors exit 2: no scheme, a literal secret, an unknown scheme")
    func usage() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for arguments in [
            ["webhooks", "verify", "--secret", "@env:X", "--headers", "h", "--body", "b"],
            ["webhooks", "verify", "--scheme", "github", "--secret", "plain-secret", "--headers", "h", "--body", "b"],
            ["webhooks", "verify", "--scheme", "nope", "--secret", "@env:X", "--headers", "h", "--body", "b"],
        ] {
            #expect(try await SheenBinary.run(arguments, in: directory).status == 2, "\(arguments)")
        }
    }
}
