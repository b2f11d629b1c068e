/// One config key Sluice understands: its lighttpd name, value type, where it may be set, the module that
/// owns it, its default and a one-line description (what `-p` and the README's key list print).
public struct ConfigKey: Sendable {
    public enum ValueType: Sendable, Equatable {
        case string
        case integer
        /// `"enable"` / `"disable"` (also `"true"`/`"false"`, `"1"`/`"0"`, `1`/`0`).
        case boolean
        /// `( "a", "b" )`; a single string is accepted as a one-element list.
        case stringList
        /// `( "key" => "value", ... )` with string keys and values.
        case stringMap
        /// Like `stringMap` with PCRE2 regexes as keys and substitution templates as values (rewrite rules).
        case regexMap
        /// A nested array whose shape the owning module checks (`auth.require`, `proxy-core.rewrite-request`).
        case array

        public var description: String {
            switch self {
            case .string: return "a string"
            case .integer: return "an integer"
            case .boolean: return "\"enable\" or \"disable\""
            case .stringList: return "a list of strings"
            case .stringMap: return "a list of \"key\" => \"value\" pairs"
            case .regexMap: return "a list of \"regex\" => \"replacement\" pairs"
            case .array: return "an array"
            }
        }
    }

    /// Where a key may be set.
    public enum Scope: Sendable, Equatable {
        /// Only outside any condition: it describes the whole server.
        case global
        /// Outside conditions or directly inside `$SERVER["socket"]` (per listening socket).
        case socket
        /// Anywhere; inside a condition it applies to the requests that match.
        case request
    }

    public let name: String
    public let type: ValueType
    public let scope: Scope
    /// The module that must be in `server.modules` (or always-loaded) for the key to be accepted.
    public let module: String
    /// The default as text, for documentation; nil when unset by default.
    public let defaultText: String?
    public let doc: String
    /// Allowed integer range, when it is narrower than any non-negative integer.
    public let range: ClosedRange<Int>?

    init(
        _ name: String, _ type: ValueType, _ scope: Scope, _ module: String, _ defaultText: String?, _ doc: String,
        range: ClosedRange<Int>? = nil
    ) {
        self.name = name
        self.type = type
        self.scope = scope
        self.module = module
        self.defaultText = defaultText
        self.doc = doc
        self.range = range ?? (type == .integer ? 0...Int(Int32.max) : nil)
    }
}

/// The modules `server.modules` may name, and those loaded whether named or not.
public enum ConfigModules {
    /// Always loaded, listed or not (SPEC §2); TLS is built in.
    public static let alwaysLoaded: Set<String> = [
        "mod_staticfile", "mod_indexfile", "mod_dirlisting", "mod_openssl", "core",
    ]

    /// Every module name `server.modules` accepts.
    public static let known: [String] = [
        "mod_rewrite", "mod_redirect", "mod_alias", "mod_auth", "mod_authn_file", "mod_accesslog", "mod_status",
        "mod_extforward", "mod_setenv", "mod_proxy_core", "mod_proxy_backend_http", "mod_proxy_backend_fastcgi",
        "mod_proxy_backend_scgi", "mod_proxy", "mod_staticfile", "mod_indexfile", "mod_dirlisting", "mod_openssl",
        "mod_access",
    ]
}
