import Foundation
import SheenTestSupport
import Synchronization

/// Runs the built `sheen` binary, as a user would, and captures what it prints.
struct SheenBinary {
    struct Output {
        let status: Int32
        /// `.uncaughtSignal` when a signal ended the process (then `status` is the signal's number).
        let reason: Process.TerminationReason
        let stdout: String
        let stderr: String
    }

    /// `swift test` builds `sheen` beside the test bundle (the test target depends on it).
    static let url: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundle.appendingPathComponent("sheen"), bundle.deletingLastPathComponent().appendingPathComponent("sheen"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `sheen` on a thread of its own and awaits it: a test blocked in `waitUntilExit` on one of the few
    /// cooperative threads would starve the in-process servers other tests run at the same time.
    static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result { try runBlocking(arguments, in: directory, environment: environment) })
            }
        }
    }

    static func runBlocking(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> Output {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? repository
        var merged = ProcessInfo.processInfo.environment
        merged["SHEEN_LANG"] = nil
        merged["SHEEN_CATALOG"] = repository.path
        merged.merge(environment) { _, new in new }
        process.environment = merged
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, reason: process.terminationReason,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A `sheen serve` started for a test: its process, the port it announced, what it printed up to then, and its
    /// output streams for what it prints later.
    struct Server {
        let process: Process
        let port: Int
        let banner: String
        let out: Pipe
        let err: Pipe?

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Starts `sheen serve` with `arguments` (`--port 0` first: any free port) and returns once it has printed
    /// `marker`, with the port from its first `127.0.0.1:` address. Its stderr is kept only when `keepErrors`.
    static func serve(
        _ arguments: [String] = [], in directory: URL, environment: [String: String], until marker: String,
        keepErrors: Bool = false
    ) throws -> Server {
        let process = Process()
        process.executableURL = url
        process.arguments = ["serve", "--port", "0"] + arguments
        process.currentDirectoryURL = directory
        var merged = ProcessInfo.processInfo.environment
        merged["SHEEN_CATALOG"] = repository.path
        merged.merge(environment) { _, new in new }
        process.environment = merged
        let out = Pipe()
        let err = keepErrors ? Pipe() : nil
        process.standardOutput = out
        process.standardError = err ?? FileHandle.nullDevice
        try process.run()
        let banner = read(out, until: marker)
        guard
            let port = banner.components(separatedBy: "127.0.0.1:").dropFirst().first.flatMap({
                Int($0.prefix { $0.isNumber })
            })
        else {
            process.terminate()
            throw ServeFailure(description: "serve printed: \(banner)")
        }
        return Server(process: process, port: port, banner: banner, out: out, err: err)
    }

    struct ServeFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// A block of 100 ports from the allocator every test target shares.
    static func portBlock() -> Int { TestPorts.block() }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sheen-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Reads `pipe` until `marker` appears (or the writer closes it), returning what was read: lets a test act on a
    /// running process at a known point instead of after a guessed delay.
    static func read(_ pipe: Pipe, until marker: String) -> String {
        var text = ""
        while !text.contains(marker) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        return text
    }
}
