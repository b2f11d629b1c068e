/// The header list the client receives for a backend's response (SPEC §4): the backend's fields in its order and
/// spelling, one array, with
/// - the hop-by-hop fields removed (RFC 9110 §7.6.1: `Connection` and every field it names, `Keep-Alive`,
///   `Proxy-Connection`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`), because Sluice frames the response to
///   the client itself: chunked when the body has no length (streaming, SPEC §4), or the length;
/// - `Content-Length` kept: it was validated by the response decoder (SPEC §4 hygiene), it is the framing for
///   the client when present, and for `HEAD` / `304` it describes the representation (RFC 9110 §8.6);
/// - for a tunnel (`101 Switching Protocols` answering a WebSocket upgrade) `Upgrade` and `Connection: upgrade`
///   kept, as the client needs them to switch (RFC 9110 §7.8, RFC 6455 §4.2.2);
/// - `Location`, `Content-Location` and `Set-Cookie` reverse-mapped (`ReverseMapper`, when `reverse-map` is on);
/// - then the `proxy-core.rewrite-response` rules (`HeaderRewriter`).
public enum ProxiedResponseHeaders {
    /// The client's header list for a response carrying `headers`.
    /// - Parameters:
    ///   - tunnel: the response is the `101` of a tunnelled WebSocket upgrade.
    ///   - reverseMapper: nil when `proxy-core.reverse-map` is off.
    ///   - rewrites: `proxy-core.rewrite-response` rules, with `rewriteContext` for their `%n` / `${url.*}`.
    public static func build(
        _ headers: some Collection<(name: String, value: String)>, tunnel: Bool, reverseMapper: ReverseMapper?,
        rewrites: [HeaderRewrite] = [], rewriteContext: RewriteContext = RewriteContext()
    ) -> [(String, String)] {
        var fields: [(String, String)] = []
        fields.reserveCapacity(headers.count)
        var connectionValues: [String] = []
        var keptConnectionUpgrade = false
        for (name, value) in headers {
            let kind = ProxyHeaderName(name)
            switch kind {
            case .connection:
                connectionValues.append(value)
                if tunnel && !keptConnectionUpgrade && HeaderTokens.contains("upgrade", in: value) {
                    fields.append((name, "upgrade"))
                    keptConnectionUpgrade = true
                }
            case .upgrade where tunnel:
                fields.append((name, value))
            case _ where kind.isHopByHop:
                continue
            case .location, .contentLocation:
                fields.append((name, reverseMapper?.mapLocation(value) ?? value))
            case .setCookie:
                fields.append((name, reverseMapper?.mapSetCookie(value) ?? value))
            default:
                fields.append((name, value))
            }
        }
        if !connectionValues.isEmpty {
            removeConnectionOptions(connectionValues, from: &fields, keepUpgrade: tunnel)
        }
        HeaderRewriter.apply(rewrites, to: &fields, context: rewriteContext)
        return fields
    }

    /// Fields named by the backend's `Connection` are hop-by-hop too (RFC 9110 §7.6.1); `Content-Length` stays
    /// whatever `Connection` says, since Sluice's framing for the client depends on it.
    private static func removeConnectionOptions(
        _ values: [String], from fields: inout [(String, String)], keepUpgrade: Bool
    ) {
        var names: [String] = []
        for value in values {
            HeaderTokens.forEach(in: value) { names.append(String(decoding: $0, as: UTF8.self)) }
        }
        fields.removeAll { field in
            let kind = ProxyHeaderName(field.0)
            if kind == .contentLength { return false }
            if keepUpgrade && (kind == .upgrade || kind == .connection) { return false }
            return names.contains { $0.equalsFieldName(field.0) }
        }
    }
}
