import Foundation
import SheenCLI

@main
enum Entrypoint {
    static func main() async {
        exit(await SheenCommand.run())
    }
}
