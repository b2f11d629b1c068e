/// The `"require"` option of an `auth.require` entry: who may pass once the password is right.
///
/// Grammar (lighttpd's mod_auth, restricted to what the file backends can answer):
/// `"valid-user"` alone, or `user=NAME` rules joined with `|`. lighttpd also parses `group=` (only
/// mod_authn_ldap answers it) and `host=` (never implemented); Sluice reports both as errors rather
/// than silently letting nobody, or everybody, in.
public enum AuthUserRequirement: Sendable, Hashable {
    /// Any user whose password verifies.
    case validUser
    /// Only these users (in config order), compared byte for byte as lighttpd does.
    case users([String])

    public init(parsing text: String) throws(AuthConfigError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .emptyRequire }
        if bytes.elementsEqual("valid-user".utf8) {
            self = .validUser
            return
        }
        var users: [String] = []
        var start = 0
        for token in bytes.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false) {
            defer { start += token.count + 1 }
            users.append(try Self.parseUserRule(token, offset: start))
        }
        self = .users(users)
    }

    public func permits(user: String) -> Bool {
        switch self {
        case .validUser:
            true
        case .users(let names):
            names.contains { $0.utf8.elementsEqual(user.utf8) }
        }
    }

    /// One `KIND=NAME` rule; only `user` is accepted.
    private static func parseUserRule(_ token: ArraySlice<UInt8>, offset: Int) throws(AuthConfigError) -> String {
        guard !token.isEmpty else { throw .requireEmptyToken(offset: offset) }
        if let space = token.firstIndex(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
            throw .requireSpace(offset: offset + (space - token.startIndex))
        }
        guard let equals = token.firstIndex(of: UInt8(ascii: "=")) else {
            let word = String(decoding: token, as: UTF8.self)
            if word == "valid-user" { throw .validUserCombined(offset: offset) }
            throw .requireUnknownToken(word, offset: offset)
        }
        let kind = String(decoding: token[..<equals], as: UTF8.self)
        let name = token[(equals + 1)...]
        switch kind {
        case "user":
            guard !name.isEmpty else { throw .requireMissingName(kind, offset: offset) }
            return String(decoding: name, as: UTF8.self)
        case "group", "host":
            throw .requireUnsupportedKind(kind, offset: offset)
        default:
            throw .requireUnknownToken(String(decoding: token, as: UTF8.self), offset: offset)
        }
    }
}
