import ArgumentParser
import Foundation
import SheenEngine
import SheenModel
import SheenPlanner
import SheenStore

struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Inspect the journal: what Sheen recorded for each step.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the recorded steps of a project and environment.",
            discussion: "Example: sheen state list --env prod")

        @OptionGroup var input: PlanInputOptions
        @OptionGroup var engine: EngineOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws { try input.validate(language: global.language) }

        func run() async throws {
            let store = try engine.openStore(language: global.language)
            let scope = try input.scope(global: global)
            let steps = try await store.steps(in: scope)
            if global.json {
                Console.out(
                    JSONValue.object([
                        "format_version": .string("1.0"), "scope": .string(scope.description),
                        "steps": .array(steps.map(StateCommand.json)),
                    ]).rendered)
                return
            }
            guard !steps.isEmpty else {
                Console.out(global.language == .en ? "nothing recorded for '\(scope)'" : "لا شيء مسجل لـ '\(scope)'")
                return
            }
            let header =
                global.language == .en
                ? ["STEP", "STATUS", "ATTEMPTS", "KIND", "UPDATED"]
                : ["الخطوة", "الحالة", "المحاولات", "النوع", "آخر تحديث"]
            let rows = steps.map {
                [$0.stepID, $0.status.rawValue, String($0.attempts), $0.kind, $0.updatedAt.formatted(.iso8601)]
            }
            Console.out(TextTable(header: header, rows: rows).rendered)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one step: status, idempotency key, outputs (never secrets) and its transitions.",
            discussion: "Example: sheen state show tap.test-charge")

        @Argument(help: ArgumentHelp("The step id.", valueName: "step"))
        var step: String

        @OptionGroup var input: PlanInputOptions
        @OptionGroup var engine: EngineOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws { try input.validate(language: global.language) }

        func run() async throws {
            let store = try engine.openStore(language: global.language)
            let scope = try input.scope(global: global)
            let steps = try await store.steps(in: scope)
            guard let state = steps.first(where: { $0.stepID == step }) else {
                throw ValidationError(
                    CodeArguments.unknown(
                        kind: global.language == .en ? "step" : "خطوة", value: step, candidates: steps.map(\.stepID),
                        language: global.language))
            }
            let trail = try await store.transitions(of: step, in: scope)
            if global.json {
                var document = StateCommand.json(state)
                if case .object(var members) = document {
                    members["transitions"] = .array(
                        trail.map {
                            .object([
                                "status": .string($0.status), "attempt": .int($0.attempt),
                                "at": .string($0.at.formatted(.iso8601)),
                                "error_class": .optional($0.errorClass),
                            ])
                        })
                    document = .object(members)
                }
                Console.out(document.rendered)
                return
            }
            var lines = [
                "\(state.stepID) (\(state.kind))",
                "status: \(state.status.rawValue), attempts: \(state.attempts), level: \(state.level)",
                "idempotency key: \(state.idempotencyKey)", "input hash: \(state.inputHash)",
            ]
            if let external = state.externalID { lines.append("external id: \(external)") }
            if !state.outputs.isEmpty {
                lines.append(
                    "outputs: "
                        + state.outputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                            separator: ", "))
            }
            if let errorClass = state.errorClass { lines.append("error: \(errorClass): \(state.errorMessage ?? "")") }
            lines.append("transitions:")
            lines += trail.map {
                "  \($0.at.formatted(.iso8601))  \($0.status) (attempt \($0.attempt))"
                    + ($0.errorClass.map { " \($0)" } ?? "")
            }
            Console.out(lines.joined(separator: "\n"))
        }
    }

    static func json(_ state: StepState) -> JSONValue {
        .object([
            "step": .string(state.stepID), "kind": .string(state.kind), "provider": .optional(state.provider),
            "status": .string(state.status.rawValue), "attempts": .int(state.attempts), "level": .int(state.level),
            "input_hash": .string(state.inputHash), "idempotency_key": .string(state.idempotencyKey),
            "outputs": .object(state.outputs.mapValues(JSONValue.string)), "external_id": .optional(state.externalID),
            "error_class": .optional(state.errorClass), "error_message": .optional(state.errorMessage),
            "updated_at": .string(state.updatedAt.formatted(.iso8601)),
        ])
    }
}
