/// `auth.backend`: where mod_authn_file finds users and passwords.
///
/// lighttpd also offers `htdigest`, `ldap`, `pam`, `mysql`/`dbi`, `gssapi` and `sasl`; Sluice supports
/// the two file backends that serve `method => "basic"`.
public enum AuthBackend: String, Sendable, Hashable, CaseIterable {
    /// `user:hash` lines: bcrypt, `{SHA}`, `$apr1$`, crypt(3) (`auth.backend.htpasswd.userfile`).
    case htpasswd
    /// `user:password` lines in plain text (`auth.backend.plain.userfile`).
    case plain

    /// Parses the value of `auth.backend`.
    public init(configValue: String) throws(AuthConfigError) {
        if let backend = AuthBackend(rawValue: configValue) {
            self = backend
        } else {
            throw .unsupportedBackend(configValue)
        }
    }

    /// The key naming this backend's user file.
    public var userFileKey: String {
        "auth.backend.\(rawValue).userfile"
    }
}
