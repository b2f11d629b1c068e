/// Applies `proxy-core.rewrite-request` / `proxy-core.rewrite-response` header rules (lighttpd 1.5
/// mod_proxy_core): for each header the rules name, the first rule whose regex matches the value rewrites it;
/// a value no rule matches is kept unchanged.
///
/// Differences from lighttpd 1.5, each on purpose:
/// - names match case-insensitively (RFC 9110 §5.1; 1.5 compared them case-sensitively, so `"x-foo"` missed
///   `X-Foo`);
/// - a rule that renders an empty value removes the header (lighttpd never sends an empty-valued header, and
///   that is the useful reading of `( "Cookie" => ( ".*" => "" ) )`);
/// - a result containing CR, LF or NUL is discarded and the value kept: no template can inject a header line;
/// - framing and connection fields (`Content-Length`, `Transfer-Encoding`, `Connection`, `Upgrade`, `TE`, ...)
///   are never rewritten: Sluice frames every message itself, and letting a rule change framing would invite
///   request smuggling.
enum HeaderRewriter {
    /// Rewrites `fields[from...]` in place.
    static func apply(
        _ rewrites: [HeaderRewrite], to fields: inout [(String, String)], from start: Int = 0,
        context: RewriteContext
    ) {
        guard !rewrites.isEmpty else { return }
        var index = start
        var output: [UInt8] = []
        while index < fields.count {
            let name = fields[index].0
            guard let rewrite = rewrites.first(where: { $0.header.equalsFieldName(name) }),
                !isProtected(name)
            else {
                index += 1
                continue
            }
            output.removeAll(keepingCapacity: true)
            var value = fields[index].1
            let matched = value.withUTF8 { bytes in
                context.renderFirstMatch(rewrite.rules, subject: bytes, into: &output) != nil
            }
            if matched {
                if output.isEmpty {
                    fields.remove(at: index)
                    continue
                }
                if !output.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) {
                    fields[index].1 = String(decoding: output, as: UTF8.self)
                }
            }
            index += 1
        }
    }

    private static func isProtected(_ name: String) -> Bool {
        let kind = ProxyHeaderName(name)
        return kind.isHopByHop || kind == .contentLength
    }
}
