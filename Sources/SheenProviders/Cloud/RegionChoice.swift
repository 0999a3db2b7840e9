import SheenEngine

/// How a cloud's `select-region` step chooses: the first of the planner's ranked `regions` input (residency countries
/// first) that the account can use. When the best is not usable and residency is only preferred, the next usable one
/// is chosen and the `note` output says what would move the project to the better one; when none is usable, the step
/// waits, naming what to enable. AWS, Azure and Google Cloud differ only in how they say a region is usable.
enum RegionChoice {
    struct Status {
        var usable: Bool
        /// As the cloud words it (`ENABLED`, `DISABLED`, `not listed for the subscription`…).
        var detail: String
    }

    static func choose(
        _ context: StepContext, cloud: String, status: (String) async throws -> Status,
        enable: (_ region: String, _ status: Status) -> String
    ) async throws -> StepResult {
        let candidates = (context.inputs["regions"] ?? "").split(separator: ",").map(String.init)
        guard !candidates.isEmpty else {
            throw StepFailure(
                .invalid,
                message:
                    "the plan gives \(context.stepID) no regions (with residency required, only an in-country region may be used); run 'sheen plan' again"
            )
        }
        var seen: [(String, Status)] = []
        for region in candidates {
            let found = try await status(region)
            seen.append((region, found))
            guard found.usable else { continue }
            var outputs = ["region": region, "status": found.detail]
            if let (best, why) = seen.first, best != region {
                outputs["note"] =
                    "\(best) ranks higher for this project but is \(why.detail) in this \(cloud) account: \(enable(best, why))"
            }
            return StepResult(outputs: outputs)
        }
        let (best, why) = seen[0]
        let required = context.inputs["residency"]?.hasPrefix("required:") == true
        throw StepFailure(
            .waiting(next: enable(best, why) + ", then run sheen apply"),
            message:
                "no region this project may use is available in the \(cloud) account"
                + (required ? " (residency is required: \(context.inputs["residency"] ?? ""))" : ""))
    }
}
