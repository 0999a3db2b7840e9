import SheenCLI

@main
enum Entrypoint {
    static func main() async {
        await SheenCommand.main()
    }
}
