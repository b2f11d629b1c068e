import SluiceCore

/// A rule list evaluated the way keyvalue.c's `pcre_keyvalue_buffer_process` does: the first regex that matches
/// renders its template; nil when none matches.
struct RuleList {
    let rules: [(regex: CompiledRegex, template: RewriteTemplate)]

    init(_ rules: [(String, String)]) throws {
        self.rules = try rules.map { (try CompiledRegex($0.0), try RewriteTemplate($0.1)) }
    }

    func rewrite(
        _ target: String, condition: Captures? = nil, scheme: String = "http",
        authority: String = "www.example.com", port: UInt16 = 80
    ) -> String? {
        for rule in rules {
            guard let match = rule.regex.firstMatch(in: target) else { continue }
            let bytes = RewriteInput.with(
                subject: target, match: match, condition: condition, scheme: scheme, authority: authority,
                port: port, target: target
            ) { rule.template.render($0) }
            return String(decoding: bytes, as: UTF8.self)
        }
        return nil
    }
}

/// Renders one rule against `target`, or nil when the regex does not match.
func rewrite(
    _ target: String, _ pattern: String, _ template: String, condition: Captures? = nil,
    scheme: String = "http", authority: String = "www.example.com", port: UInt16 = 80
) throws -> String? {
    try RuleList([(pattern, template)]).rewrite(
        target, condition: condition, scheme: scheme, authority: authority, port: port)
}
