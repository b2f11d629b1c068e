import Glibc
import LighttpdConfig

/// Which configuration `sluice` uses: `-f FILE`, else `etc/sluice.conf` under the current directory if it
/// exists, else the built-in default (SPEC §1).
enum ConfigSource {
    case file(String)
    case builtIn

    static func resolve(file: String?) -> ConfigSource {
        if let file { return .file(file) }
        if access("etc/sluice.conf", R_OK) == 0 { return .file("etc/sluice.conf") }
        return .builtIn
    }

    var displayName: String {
        switch self {
        case .file(let path): return path
        case .builtIn: return "the built-in default configuration"
        }
    }

    func load() -> ConfigLoadResult {
        switch self {
        case .file(let path):
            return ConfigLoader.load(file: path)
        case .builtIn:
            return ConfigLoader.load(text: ConfigLoader.builtInDefault, file: "<built-in default>")
        }
    }
}
