import LighttpdConfig

/// What `sluice -t` and the server both run: the language layer (parse, evaluate, validate), then the
/// compile step, with every diagnostic of both collected in one list.
public enum SiteLoader {
    public struct Result: Sendable {
        public var site: Site
        public var diagnostics: ConfigDiagnostics
        public var isValid: Bool { diagnostics.isEmpty }
    }

    public static func load(file: String, environment: any ConfigEnvironment = SystemConfigEnvironment()) -> Result {
        compile(ConfigLoader.load(file: file, environment: environment))
    }

    public static func load(
        text: String, file: String, environment: any ConfigEnvironment = SystemConfigEnvironment(),
        resolveNames: Bool = true
    ) -> Result {
        compile(ConfigLoader.load(text: text, file: file, environment: environment), resolveNames: resolveNames)
    }

    public static func compile(_ loaded: ConfigLoadResult, resolveNames: Bool = true) -> Result {
        var diagnostics = loaded.diagnostics
        let (site, compileDiagnostics) = SiteCompiler.compile(loaded.config, resolveNames: resolveNames)
        diagnostics.append(contentsOf: compileDiagnostics)
        return Result(site: site, diagnostics: diagnostics)
    }
}
