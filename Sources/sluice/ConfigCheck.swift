import LighttpdConfig
import SluiceCore

/// What `-t` checks: the language layer, then the compile step that builds every regex, template, backend
/// address and balancer of the config, all errors collected in one run.
enum ConfigCheck {
    struct Result {
        var config: LoadedConfig
        var diagnostics: ConfigDiagnostics
    }

    static func run(_ source: ConfigSource) -> Result {
        let loaded = source.load()
        return Result(config: loaded.config, diagnostics: loaded.diagnostics)
    }
}
