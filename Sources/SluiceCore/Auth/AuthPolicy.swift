/// Answers "may this user have this password?" for `AuthPolicy`. `UserFile` is the real one; the
/// server may wrap the current `UserFile` in something that reloads it.
public protocol CredentialVerifier: Sendable {
    func verify(user: String, password: [UInt8]) -> Bool
}

extension UserFile: CredentialVerifier {
    public func verify(user: String, password: [UInt8]) -> Bool {
        verify(user: user, password: password[...])
    }
}

/// `auth.require` for one config scope: finds the rule covering a request path and decides the request.
///
/// The **longest** matching path prefix wins. lighttpd takes the first match in config order and
/// reports a later, longer path shadowed by an earlier prefix as a mistake ("fix by sorting longer
/// paths before shorter paths"); the longest match gives what that advice asks for, in any order, and
/// the same answer as lighttpd for every config lighttpd does not complain about.
public struct AuthPolicy: Sendable {
    /// In config order.
    public let rules: [AuthRequireRule]
    /// Longest prefix first, so the first that covers a path is the longest.
    private let rulesByLength: [AuthRequireRule]

    public init(rules: [AuthRequireRule]) throws(AuthConfigError) {
        var seen = Set<String>()
        for rule in rules where !seen.insert(rule.pathPrefix).inserted {
            throw .duplicatePath(rule.pathPrefix)
        }
        self.rules = rules
        // A stable sort keeps config order among equal lengths (equal lengths cannot both match).
        self.rulesByLength = rules.enumerated()
            .sorted { ($0.element.pathPrefix.utf8.count, -$0.offset) > ($1.element.pathPrefix.utf8.count, -$1.offset) }
            .map(\.element)
    }

    /// The rule for `path` (decoded, without the query), if any.
    public func rule(forPath path: some Collection<UInt8>) -> AuthRequireRule? {
        rulesByLength.first { $0.covers(path: path) }
    }

    public func rule(forPath path: String) -> AuthRequireRule? {
        rule(forPath: path.utf8)
    }

    /// mod_auth's decision for a request with decoded path `path` and `Authorization` value
    /// `authorization` (nil when absent).
    ///
    /// Order: parse the header; check that `require` admits the user; only then verify the password,
    /// so names the rule never admits cost no hash (bcrypt is deliberately slow). The client sees the
    /// same 401 either way.
    public func decide(path: String, authorization: String?, verifier: some CredentialVerifier) -> AuthDecision {
        guard let rule = rule(forPath: path) else { return .unprotected }
        guard let authorization else { return .challenge(AuthChallenge(realm: rule.realm, reason: .noCredentials)) }
        switch BasicCredentials.parse(authorization: authorization) {
        case .otherScheme:
            return .challenge(AuthChallenge(realm: rule.realm, reason: .otherScheme))
        case .malformed(let malformation):
            return .challenge(AuthChallenge(realm: rule.realm, reason: .malformed(malformation)))
        case .credentials(let credentials):
            guard rule.requirement.permits(user: credentials.user) else {
                return .challenge(AuthChallenge(realm: rule.realm, reason: .userNotPermitted(user: credentials.user)))
            }
            guard verifier.verify(user: credentials.user, password: credentials.password) else {
                return .challenge(
                    AuthChallenge(realm: rule.realm, reason: .rejectedCredentials(user: credentials.user))
                )
            }
            return .allowed(user: credentials.user)
        }
    }
}
