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
            abstract: "List the recorded steps of a project and environment, or of every recorded scope.",
            discussion: """
                Without --project, --recipe or --dag, and with no sheen.yaml here, lists every scope the state file \
                records (project/environment, or a DAG's name).

                Examples:
                  sheen state list                       ./sheen.yaml's project, or every recorded scope
                  sheen state list --env prod --json
                  sheen state list --dag dag.json
                """)

        @OptionGroup var input: PlanInputOptions
        @OptionGroup var engine: EngineOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws { try input.validate(language: global.language) }

        func run() async throws {
            let language = global.language
            guard let store = try await StateCommand.existingStore(engine: engine, global: global) else {
                Console.out(
                    global.json
                        ? JSONValue.object(["format_version": .string("1.0"), "scopes": .array([])]).rendered
                        : CLIMessage.nothingRecordedNoFile(
                            (try storeLocation(engine.store, language: language).description))(language))
                return
            }
            let scopes = try await StateCommand.scopes(input: input, store: store, global: global)
            var listed: [(StoreScope, [StepState])] = []
            for scope in scopes { listed.append((scope, try await store.steps(in: scope))) }
            if global.json {
                let documents = listed.map { scope, steps in
                    JSONValue.object([
                        "scope": .string(scope.description), "project": .string(scope.project),
                        "environment": .string(scope.environment.rawValue),
                        "steps": .array(steps.map(StateCommand.json)),
                    ])
                }
                // One scope keeps the single-scope shape scripts already read; every scope comes as a list.
                if input.selectsOneScope, let only = documents.first, case .object(var members) = only {
                    members["format_version"] = .string("1.0")
                    Console.out(JSONValue.object(members).rendered)
                } else {
                    Console.out(
                        JSONValue.object(["format_version": .string("1.0"), "scopes": .array(documents)]).rendered)
                }
                return
            }
            let header = Label.stateHeader.columns(language)
            var sections: [String] = []
            for (scope, steps) in listed {
                guard !steps.isEmpty else {
                    sections.append(CLIMessage.nothingRecordedForScope("\(scope)")(language))
                    continue
                }
                let rows = steps.map {
                    [$0.stepID, $0.status.rawValue, String($0.attempts), $0.kind, $0.updatedAt.formatted(.iso8601)]
                }
                let table = TextTable(header: header, rows: rows).rendered
                sections.append(input.selectsOneScope ? table : "\(scope)\n" + table)
            }
            if sections.isEmpty {
                sections.append(
                    CLIMessage.nothingRecordedIn((try storeLocation(engine.store, language: language).description))(
                        language))
            }
            Console.out(sections.joined(separator: "\n"))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one step: status, idempotency key, outputs (never secrets) and its transitions.",
            discussion: """
                Looks the step up in the scope the input names, or in every recorded scope when there is no project \
                file here.

                Example: sheen state show tap.test-charge
                """)

        @Argument(help: ArgumentHelp("The step id.", valueName: "step"))
        var step: String

        @OptionGroup var input: PlanInputOptions
        @OptionGroup var engine: EngineOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws { try input.validate(language: global.language) }

        func run() async throws {
            let language = global.language
            guard let store = try await StateCommand.existingStore(engine: engine, global: global) else {
                throw ValidationError(
                    CLIMessage.nothingRecordedIn((try storeLocation(engine.store, language: language).description))(
                        language))
            }
            var found: [(StoreScope, StepState)] = []
            var candidates: [String] = []
            for scope in try await StateCommand.scopes(input: input, store: store, global: global) {
                let steps = try await store.steps(in: scope)
                candidates += steps.map(\.stepID)
                if let state = steps.first(where: { $0.stepID == step }) { found.append((scope, state)) }
            }
            guard let (scope, state) = found.first else {
                throw ValidationError(
                    CodeArguments.unknown(
                        kind: CLIMessage.kindStep(language), value: step, candidates: candidates,
                        language: language))
            }
            guard found.count == 1 else {
                let scopes = found.map { "'\($0.0)'" }.joined(separator: ", ")
                throw ValidationError(
                    CLIMessage.stepInSeveralScopes(step: step, scopes: scopes)(language))
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

    /// The store, or nil when it is a file that does not exist yet: reading state never creates one.
    static func existingStore(engine: EngineOptions, global: GlobalOptions) async throws -> (any DurableStore)? {
        guard try storeLocation(engine.store, language: global.language).mayHoldState else { return nil }
        return try await engine.open(language: global.language).state
    }

    /// The scope the input names, or, when it names none and there is no project file here, every recorded scope.
    static func scopes(
        input: PlanInputOptions, store: any DurableStore, global: GlobalOptions
    ) async throws
        -> [StoreScope]
    {
        if input.selectsOneScope { return [try input.scope(global: global)] }
        return try await store.scopes()
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
