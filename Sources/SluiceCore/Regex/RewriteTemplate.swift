/// A lighttpd substitution template (the right-hand side of `url.rewrite*`, `url.redirect` and
/// `proxy-core.rewrite-*` rules), parsed once at config load and rendered on every matching request.
///
/// The language is lighttpd 1.4's (src/keyvalue.c, src/burl.c):
/// - `$0`…`$9`: this rule's captures, copied raw; `%0`…`%9`: the enclosing condition's captures (empty without one).
/// - `$$` → `$`, `%%` → `%`; a `$`/`%` followed by anything else is kept along with that byte (`$a` → `$a`,
///   `$%1` → `$%1`), and a `$`/`%` ending the template is kept.
/// - `${n}` / `%{n}` (n = 0…9): the capture, %-encoded with "escpsnde" unless a modifier says otherwise.
///   Modifiers, any number before the reference: `noesc:`/`noescape:` raw, `esc:`/`escape:` encode all,
///   `escnde:`, `escpsnde:`, `tolower:`, `toupper:`, `encb64u:`, `decb64u:`.
/// - `${url.scheme}`, `${url.authority}`, `${url.authority.noport}`, `${url.port}`, `${url.path}`,
///   `${url.query}` and `${qsa}` (raw unless a modifier is given; `%{…}` works the same).
///
/// Deliberate differences from lighttpd, all about templates it accepts:
/// - an unknown `${…}` form is a `TemplateError` here (lighttpd skips unknown bytes and may substitute nothing);
/// - a case modifier alone (`${tolower:1}`) copies the value raw and changes its case (lighttpd 1.4 appends
///   nothing, since `burl_append` gets no encoding flag);
/// - `${10}`…`${19}` are rejected: `RegexMatch` keeps groups 0-9 only (lighttpd allows 19 groups in a rule regex
///   and reaches 10-19 only through braces).
public struct RewriteTemplate: Sendable, Hashable {
    /// One reference to immutable parsed state, so rule lists copy templates with a single retain.
    private let storage: Storage

    /// The template as written.
    public var source: String { storage.source }
    /// Highest `$n` / `${n}` group used, or nil; lets the config compiler warn about groups the regex lacks.
    public var highestRuleGroup: Int? { storage.highestRuleGroup }
    /// Highest `%n` / `%{n}` group used, or nil. lighttpd keeps the captures of the enclosing condition only
    /// when some rule below it uses them, and then keeps that condition a real regex.
    public var highestConditionGroup: Int? { storage.highestConditionGroup }

    /// Whether the template is `""`: lighttpd's "matched: leave the URL alone and try no further rule"
    /// (redmine #2085), used for static passthrough.
    public var isBlank: Bool { storage.source.isEmpty }

    /// Whether rendering reads the enclosing condition's captures.
    public var usesConditionCaptures: Bool { storage.highestConditionGroup != nil }

    /// Every literal byte of the template, concatenated; `.literal` parts are ranges into it.
    var literals: [UInt8] { storage.literals }
    var parts: [Part] { storage.parts }

    /// One piece of a rendered result.
    enum Part: Sendable, Hashable {
        case literal(Range<Int>)
        case ruleGroup(Int, SubstitutionTransform)
        case conditionGroup(Int, SubstitutionTransform)
        case scheme(SubstitutionTransform)
        case authority(SubstitutionTransform)
        case authorityWithoutPort(SubstitutionTransform)
        case port
        case path(SubstitutionTransform)
        case query(SubstitutionTransform)
        case appendQuery(SubstitutionTransform)
    }

    /// Parses `template`.
    /// - Throws: `TemplateError` with the byte offset of the first malformed `${…}` / `%{…}`.
    public init(_ template: String) throws(TemplateError) {
        var parser = TemplateParser(Array(template.utf8))
        try parser.parse()
        storage = Storage(
            source: template, literals: parser.literals, parts: parser.parts,
            highestRuleGroup: parser.highestRuleGroup, highestConditionGroup: parser.highestConditionGroup)
    }

    /// Templates are equal when written the same (parsing is deterministic).
    public static func == (lhs: RewriteTemplate, rhs: RewriteTemplate) -> Bool {
        lhs.storage === rhs.storage || lhs.source == rhs.source
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
    }

    private final class Storage: Sendable {
        let source: String
        let literals: [UInt8]
        let parts: [Part]
        let highestRuleGroup: Int?
        let highestConditionGroup: Int?

        init(source: String, literals: [UInt8], parts: [Part], highestRuleGroup: Int?, highestConditionGroup: Int?) {
            self.source = source
            self.literals = literals
            self.parts = parts
            self.highestRuleGroup = highestRuleGroup
            self.highestConditionGroup = highestConditionGroup
        }
    }
}

extension RewriteTemplate: CustomStringConvertible {
    public var description: String { source }
}
