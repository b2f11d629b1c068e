/// What `proxy-core.rewrite-request` / `-response` templates may read besides their own match: the enclosing
/// condition's captures (`%0`-`%9`) and the request's URL parts (`${url.scheme}`, `${url.authority}`,
/// `${url.port}`, `${url.path}`, `${url.query}`), the same inputs the rewrite stage gives `url.rewrite*`.
///
/// Built once per proxied request; rendering borrows its bytes without copying.
public struct RewriteContext: Sendable {
    /// Captures of the regex condition enclosing the block the rules come from, if any.
    public var condition: Captures?
    /// `http` or `https`.
    public var scheme: String
    /// The request's Host (or absolute-form authority).
    public var authority: String
    /// The port of the listening socket.
    public var port: UInt16
    /// The request target after the rewrite stage (path and `?query`, still encoded).
    public var target: [UInt8]

    public init(condition: Captures? = nil, scheme: String = "http", authority: String = "", port: UInt16 = 80,
                target: [UInt8] = [UInt8(ascii: "/")]) {
        self.condition = condition
        self.scheme = scheme
        self.authority = authority
        self.port = port
        self.target = target
    }

    /// The context of a routed request for rules from block `block` (a `RuleSet.block`): `%n` refer to the
    /// captures of that block's nearest enclosing `=~` condition, as in the rewrite stage.
    public init(_ routed: RoutedRequest, site: Site, block: Int?) {
        let captures = block.flatMap { site.captureBlocks.indices.contains($0) ? site.captureBlocks[$0] : nil }
            .flatMap { routed.active.captures(of: $0) }
        self.init(
            condition: captures, scheme: routed.facts.scheme, authority: routed.facts.host,
            port: routed.facts.localPort, target: routed.facts.target)
    }

    /// Tries `rules` in order on `subject`; the first that matches appends its rendering to `output` and its
    /// index is returned. Nil when no rule matches (output untouched).
    func renderFirstMatch(
        _ rules: [RewriteRule], subject: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]
    ) -> Int? {
        for (index, rule) in rules.enumerated() {
            guard let match = rule.regex.firstMatch(in: subject) else { continue }
            var scheme = scheme, authority = authority
            scheme.withUTF8 { schemeBytes in
                authority.withUTF8 { authorityBytes in
                    target.withUnsafeBufferPointer { targetBytes in
                        let (path, query) = RewriteInput.splitTarget(targetBytes)
                        let input = RewriteInput(
                            subject: subject, match: match, condition: condition, scheme: schemeBytes,
                            authority: authorityBytes, port: port, path: path, query: query)
                        rule.template.render(input, into: &output)
                    }
                }
            }
            return index
        }
        return nil
    }
}
