/// What mod_auth decides for one request (see `AuthPolicy.decide`).
public enum AuthDecision: Sendable, Equatable {
    /// No `auth.require` path covers the request.
    case unprotected
    /// The credentials verified and the rule admits the user: set `REMOTE_USER` / the access log's `%u`.
    case allowed(user: String)
    /// Answer 401 with `challenge.wwwAuthenticate` in `WWW-Authenticate`.
    case challenge(AuthChallenge)
}

/// A 401 answer: the realm to name and why the request was refused (for the error log).
public struct AuthChallenge: Sendable, Equatable {
    public static let headerName = "WWW-Authenticate"

    public enum Reason: Sendable, Equatable {
        /// No `Authorization` header: the usual first request of a browser.
        case noCredentials
        /// `Authorization` with another scheme.
        case otherScheme
        case malformed(BasicCredentials.Malformation)
        /// Unknown user or wrong password (the backend does not say which, and neither do we).
        case rejectedCredentials(user: String)
        /// The password is right but `require` does not list this user.
        case userNotPermitted(user: String)
    }

    public let realm: String
    public let reason: Reason

    public init(realm: String, reason: Reason) {
        self.realm = realm
        self.reason = reason
    }

    /// `Basic realm="…", charset="UTF-8"` (RFC 7617 §2, §2.1), as lighttpd sends it. `"` and `\` in
    /// the realm are escaped as quoted-pairs (RFC 9110 §5.6.4); control characters were refused at
    /// config load.
    public var wwwAuthenticate: String {
        var escaped = ""
        for character in realm.unicodeScalars {
            if character == "\"" || character == "\\" { escaped.unicodeScalars.append("\\") }
            escaped.unicodeScalars.append(character)
        }
        return "Basic realm=\"\(escaped)\", charset=\"UTF-8\""
    }

    /// lighttpd stops keep-alive after a wrong password (`r->keep_alive = -1`), which slows down
    /// guessing over one connection; the server should close after sending this 401 when true.
    public var closesConnection: Bool {
        switch reason {
        case .rejectedCredentials, .userNotPermitted: true
        case .noCredentials, .otherScheme, .malformed: false
        }
    }
}
