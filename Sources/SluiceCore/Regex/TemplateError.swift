/// A substitution template (the right-hand side of a `url.rewrite*` / `url.redirect` rule) that cannot be parsed.
///
/// lighttpd skips over what it does not recognise inside `${…}` at request time (keyvalue.c); Sluice rejects it at
/// load time instead, so a typo such as `${esc1}` or `${url.host}` is a config error with a column, not a silently
/// empty substitution. `offset` is a byte offset into the template's UTF-8.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case unterminatedReference
        case emptyReference
        case unknownModifier(String)
        case unknownReference(String)
        case groupOutOfRange(String)
    }

    private let code: Code
    /// Byte offset into the template where the problem starts.
    public let offset: Int

    private init(_ code: Code, offset: Int) {
        self.code = code
        self.offset = offset
    }

    /// `${` or `%{` without a closing `}`.
    static func unterminatedReference(at offset: Int) -> TemplateError {
        TemplateError(.unterminatedReference, offset: offset)
    }

    /// `${}`, or modifiers with nothing to apply them to (`${esc:}`).
    static func emptyReference(at offset: Int) -> TemplateError {
        TemplateError(.emptyReference, offset: offset)
    }

    /// A `name:` prefix that is not one of lighttpd's modifiers.
    static func unknownModifier(_ name: String, at offset: Int) -> TemplateError {
        TemplateError(.unknownModifier(name), offset: offset)
    }

    /// A `${name}` that is neither a group number, a `url.*` part nor `qsa`.
    static func unknownReference(_ name: String, at offset: Int) -> TemplateError {
        TemplateError(.unknownReference(name), offset: offset)
    }

    /// A group number above `RegexMatch.maxGroups - 1` (9).
    static func groupOutOfRange(_ digits: String, at offset: Int) -> TemplateError {
        TemplateError(.groupOutOfRange(digits), offset: offset)
    }

    /// A sentence for the config error message.
    public var message: String {
        switch code {
        case .unterminatedReference:
            return "missing '}' to close the substitution"
        case .emptyReference:
            return "empty substitution: expected a group number, url.scheme, url.authority, url.authority.noport, "
                + "url.port, url.path, url.query or qsa"
        case .unknownModifier(let name):
            return "unknown substitution modifier '\(name):' (known: noesc, esc, escape, escnde, escpsnde, "
                + "tolower, toupper, encb64u, decb64u)"
        case .unknownReference(let name):
            return "unknown substitution '\(name)' (expected a group number, url.scheme, url.authority, "
                + "url.authority.noport, url.port, url.path, url.query or qsa)"
        case .groupOutOfRange(let digits):
            return "capture group \(digits) is out of range: substitutions can name groups 0-\(RegexMatch.maxGroups - 1)"
        }
    }

    public var description: String {
        "\(message) at offset \(offset)"
    }
}
