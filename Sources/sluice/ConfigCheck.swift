import LighttpdConfig
import SluiceCore

/// What `-t` checks: the language layer, then the compile step that builds every regex, template, backend
/// address and balancer of the config, all errors collected in one run.
enum ConfigCheck {
    static func run(_ source: ConfigSource) -> SiteLoader.Result {
        SiteLoader.compile(source.load())
    }
}
