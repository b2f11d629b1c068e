@testable import LighttpdConfig

/// A `ConfigEnvironment` with files, environment variables and shell outputs held in memory.
struct InMemoryEnvironment: ConfigEnvironment {
    var files: [String: String] = [:]
    var variables: [String: String] = [:]
    var shellOutputs: [String: String] = [:]
    var currentDirectory = "/srv/site"
    var processID = 4242

    /// Removes `.` and `dir/..` segments, as the kernel would for these paths (no symlinks here).
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    func readFile(_ path: String) -> Result<String, ConfigEnvironmentError> {
        files[InMemoryEnvironment.normalize(path)].map { .success($0) } ?? .failure(.init("cannot open \"\(path)\": No such file or directory"))
    }

    func glob(_ pattern: String) -> [String] {
        // Enough for tests: a single `*` within the last path component.
        guard let star = pattern.firstIndex(of: "*") else { return files[pattern] == nil ? [] : [pattern] }
        let prefix = pattern[..<star], suffix = pattern[pattern.index(after: star)...]
        return files.keys.filter {
            $0.hasPrefix(prefix) && $0.hasSuffix(suffix) && !$0.dropFirst(prefix.count).dropLast(suffix.count).contains("/")
        }.sorted()
    }

    func runShell(_ command: String, in directory: String) -> Result<String, ConfigEnvironmentError> {
        shellOutputs[command].map { .success($0) } ?? .failure(.init("\"\(command)\" exited with status 127"))
    }

    func environmentVariable(_ name: String) -> String? { variables[name] }
}

/// Loads `text` as `/srv/site/test.conf` in an in-memory environment.
func load(_ text: String, environment: InMemoryEnvironment = InMemoryEnvironment()) -> ConfigLoadResult {
    ConfigLoader.load(text: text, file: "/srv/site/test.conf", environment: environment)
}

/// The printed diagnostics of loading `text`.
func errors(_ text: String, environment: InMemoryEnvironment = InMemoryEnvironment()) -> [String] {
    load(text, environment: environment).diagnostics.sorted.map(\.description)
}

let modulesLine = """
    server.modules = ( "mod_rewrite", "mod_redirect", "mod_alias", "mod_auth", "mod_authn_file", "mod_accesslog",
                       "mod_status", "mod_extforward", "mod_setenv", "mod_proxy_core", "mod_proxy_backend_http",
                       "mod_proxy" )

    """
