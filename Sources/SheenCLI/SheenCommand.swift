import ArgumentParser

public struct SheenCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "sheen")
    public init() {}
}
