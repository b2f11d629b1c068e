/// Checks every setting against `ConfigKeyTable`: unknown keys (with a did-you-mean), keys of modules not
/// loaded (naming the module), keys set where they may not be, wrong value types and out-of-range integers.
struct Validator {
    private(set) var diagnostics = ConfigDiagnostics()
    private(set) var modules: Set<String> = ConfigModules.alwaysLoaded

    mutating func validate(_ blocks: [ConfigBlock]) {
        loadModules(from: blocks[0])
        for block in blocks {
            for setting in block.orderedSettings where !setting.key.hasPrefix("var.") {
                validate(setting, in: block, blocks: blocks)
            }
        }
    }

    private mutating func loadModules(from global: ConfigBlock) {
        guard let setting = global["server.modules"], let names = setting.value.locatedStrings else { return }
        for (name, location) in names {
            if ConfigModules.known.contains(name) {
                modules.insert(name)
                // lighttpd loads the file backends with mod_auth when they are not listed.
                if name == "mod_auth" { modules.insert("mod_authn_file") }
            } else {
                diagnostics.error(
                    "unknown module \"\(name)\"", at: location,
                    fix: DidYouMean.best(for: name, among: ConfigModules.known).map { "did you mean \"\($0)\"?" }
                        ?? "Sluice provides: \(ConfigModules.known.joined(separator: ", "))")
            }
        }
    }

    private mutating func validate(_ setting: ConfigSetting, in block: ConfigBlock, blocks: [ConfigBlock]) {
        guard let key = ConfigKeyTable.key(setting.key) else {
            let suggestion = DidYouMean.best(for: setting.key, among: ConfigKeyTable.byName.keys)
            diagnostics.error(
                "unknown config key '\(setting.key)'", at: setting.location,
                fix: suggestion.map { "did you mean '\($0)'?" })
            return
        }
        if !modules.contains(key.module) {
            diagnostics.error(
                "'\(key.name)' needs module \"\(key.module)\", which is not loaded", at: setting.location,
                fix: "add \"\(key.module)\" to server.modules")
        }
        switch key.scope {
        case .global where block.index != 0:
            diagnostics.error(
                "'\(key.name)' can only be set outside conditions (it applies to the whole server)",
                at: setting.location)
        case .socket where block.index != 0 && block.condition?.field != .serverSocket:
            // A certificate for the names a client asks for (SNI), as lighttpd: `$HTTP["host"] == "..." {
            // ssl.pemfile = ... }`, decided at the handshake from the host conditions alone.
            if SNICertificates.keys.contains(key.name), SNICertificates.isHandshakeScope(block, in: blocks) { break }
            diagnostics.error(
                "'\(key.name)' can only be set globally or inside $SERVER[\"socket\"]"
                    + (SNICertificates.keys.contains(key.name) ? " (or, for SNI, inside $HTTP[\"host\"] conditions only)" : ""),
                at: setting.location)
        default:
            break
        }
        if let message = Validator.typeError(of: setting.value, for: key) {
            diagnostics.error("'\(key.name)' \(message)", at: setting.value.location)
            return
        }
        validateValue(setting, key: key)
    }

    /// Why `value` does not fit the key's type, or nil.
    static func typeError(of value: ConfigValue, for key: ConfigKey) -> String? {
        switch key.type {
        case .string:
            return value.string == nil ? "expects a string, not \(value.kindDescription)" : nil
        case .integer:
            guard let i = value.integerValue else { return "expects an integer, not \(value.kindDescription)" }
            if let range = key.range, !range.contains(i) {
                return "must be between \(range.lowerBound) and \(range.upperBound), not \(i)"
            }
            return nil
        case .boolean:
            return value.booleanValue == nil
                ? "expects \"enable\" or \"disable\", not \(value.string.map { "\"\($0)\"" } ?? value.kindDescription)"
                : nil
        case .stringList:
            return value.stringListValue == nil ? "expects a list of strings such as ( \"a\", \"b\" )" : nil
        case .stringMap, .regexMap:
            if value.string != nil || value.integer != nil {
                return "expects \(key.type.description), not \(value.kindDescription)"
            }
            return value.stringPairsValue == nil ? "expects \(key.type.description)" : nil
        case .array:
            return value.array == nil ? "expects an array ( ... ), not \(value.kindDescription)" : nil
        }
    }

    /// Checks of particular values that belong to the language layer.
    private mutating func validateValue(_ setting: ConfigSetting, key: ConfigKey) {
        switch key.name {
        case "proxy-core.protocol":
            guard let name = setting.value.string else { return }
            guard let backendProtocol = BackendProtocol(rawValue: name) else {
                diagnostics.error(
                    "unknown proxy-core.protocol \"\(name)\"", at: setting.value.location,
                    fix: "use \"http\", \"fastcgi\" or \"scgi\"")
                return
            }
            if !modules.contains(backendProtocol.module) {
                diagnostics.error(
                    "proxy-core.protocol \"\(name)\" needs module \"\(backendProtocol.module)\", which is not loaded",
                    at: setting.value.location, fix: "add \"\(backendProtocol.module)\" to server.modules")
            }
        case "server.stat-cache-engine":
            guard let name = setting.value.string else { return }
            if !["simple", "disable", "fam", "inotify", "kqueue"].contains(name) {
                diagnostics.error(
                    "unknown server.stat-cache-engine \"\(name)\"", at: setting.value.location,
                    fix: "use \"simple\" or \"disable\"")
            }
        case "auth.backend":
            guard let name = setting.value.string else { return }
            guard name == "htpasswd" || name == "plain" else {
                diagnostics.error(
                    "unknown auth.backend \"\(name)\"", at: setting.value.location,
                    fix: "use \"htpasswd\" or \"plain\"")
                return
            }
            if !modules.contains("mod_authn_file") {
                diagnostics.error(
                    "auth.backend \"\(name)\" needs module \"mod_authn_file\", which is not loaded",
                    at: setting.value.location, fix: "add \"mod_authn_file\" to server.modules")
            }
        default:
            break
        }
    }
}
