import SheenEngine
import SheenModel

/// Tap's step kinds and their runners.
public enum TapAdapter {
    public static func register(into runners: inout RunnerRegistry, manifest: ProviderManifest) {
        runners.register(TapVerifyKeyRunner(), for: "tap.verify-key")
        runners.register(TapTestChargeRunner(currencies: manifest.currencies), for: "tap.test-charge")
    }
}
