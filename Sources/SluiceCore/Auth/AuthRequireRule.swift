/// One `auth.require` entry: `"/prefix" => ( "method" => "basic", "realm" => "…", "require" => "…" )`.
public struct AuthRequireRule: Sendable, Hashable {
    /// Matched against the decoded request path, byte for byte (lighttpd: `uri.path` prefix).
    public let pathPrefix: String
    public let realm: String
    public let requirement: AuthUserRequirement

    public init(pathPrefix: String, realm: String, requirement: AuthUserRequirement) throws(AuthConfigError) {
        // The realm goes into a quoted-string of a response header: CR/LF would split the header.
        if let control = realm.utf8.firstIndex(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw .controlCharacterInRealm(offset: realm.utf8.distance(from: realm.utf8.startIndex, to: control))
        }
        self.pathPrefix = pathPrefix
        self.realm = realm
        self.requirement = requirement
    }

    /// Builds a rule from an entry's options in config order, as lighttpd's mod_auth checks them:
    /// `method`, `realm` and `require` are all required; `method` must be `"basic"` (Sluice has no
    /// digest authentication); digest-only options (`algorithm`, `nonce_secret`, `userhash`) are refused.
    public init(pathPrefix: String, options: [(key: String, value: String)]) throws(AuthConfigError) {
        var method: String?
        var realm: String?
        var require: String?
        for (key, value) in options {
            switch key {
            case "method":
                guard method == nil else { throw .duplicateOption(key) }
                method = value
            case "realm":
                guard realm == nil else { throw .duplicateOption(key) }
                realm = value
            case "require":
                guard require == nil else { throw .duplicateOption(key) }
                require = value
            case "algorithm", "nonce_secret", "nonce-secret", "userhash":
                throw .digestOnlyOption(key)
            default:
                throw .unknownOption(key)
            }
        }
        guard let method else { throw .missingOption("method") }
        switch method {
        case "basic":
            break
        case "digest", "extern":
            throw .unsupportedMethod(method)
        default:
            throw .unknownMethod(method)
        }
        guard let realm else { throw .missingOption("realm") }
        guard let require else { throw .missingOption("require") }
        try self.init(pathPrefix: pathPrefix, realm: realm, requirement: try AuthUserRequirement(parsing: require))
    }

    /// Whether this rule covers `path` (the decoded path, without the query).
    public func covers(path: some Collection<UInt8>) -> Bool {
        path.starts(with: pathPrefix.utf8)
    }
}
