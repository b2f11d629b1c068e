/// The header list the client receives for a backend's response (SPEC §4): the backend's fields in its order and
/// spelling, one array, with
/// - the hop-by-hop fields removed (RFC 9110 §7.6.1: `Connection` and every field it names, `Keep-Alive`,
///   `Proxy-Connection`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`), because Sluice frames the response to
///   the client itself: chunked when the body has no length (streaming, SPEC §4), or the length;
/// - `Content-Length` kept: it was validated by the response parser (SPEC §4 hygiene), it is the framing for
///   the client when present, and for `HEAD` it describes the representation (RFC 9110 §8.6); the client
///   codec drops it from 1xx, 204 and 304 answers, which §8.6 allows;
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
    @inlinable
    public static func build(
        _ headers: some Sequence<(name: String, value: String)>, tunnel: Bool, reverseMapper: ReverseMapper?,
        rewrites: [HeaderRewrite] = [], rewriteContext: RewriteContext = RewriteContext(target: [])
    ) -> [(String, String)] {
        build(
            headers, tunnel: tunnel, makeReverseMapper: { reverseMapper }, rewrites: rewrites,
            makeRewriteContext: { rewriteContext })
    }

    /// The same, with the reverse mapper and the rewrite context made only when needed: the mapper for the first
    /// `Location`, `Content-Location` or `Set-Cookie` field (most responses have none), the context when there are
    /// `rewrites`. Each is made at most once.
    @inlinable
    public static func build(
        _ headers: some Sequence<(name: String, value: String)>, tunnel: Bool,
        makeReverseMapper: () -> ReverseMapper?, rewrites: [HeaderRewrite],
        makeRewriteContext: () -> RewriteContext
    ) -> [(String, String)] {
        var builder = ResponseHeaderBuilder(capacity: headers.underestimatedCount, tunnel: tunnel)
        var mapper: ReverseMapper?
        var mapperMade = false
        for (name, value) in headers {
            guard let kind = builder.add(name: name, value: value) else { continue }
            if !mapperMade {
                mapper = makeReverseMapper()
                mapperMade = true
            }
            builder.addMapped(kind, name: name, value: value, reverseMapper: mapper)
        }
        return builder.finish(rewrites: rewrites, makeRewriteContext: makeRewriteContext)
    }
}

/// The per-field work of `ProxiedResponseHeaders.build` (see `RequestHeaderBuilder`).
@usableFromInline
struct ResponseHeaderBuilder {
    private var fields: [(String, String)] = []
    private let tunnel: Bool
    private var keptConnectionUpgrade = false
    /// Fields the backend's `Connection` names that would otherwise be passed on (rarely any).
    private var connectionNames: [String] = []

    @usableFromInline
    init(capacity: Int, tunnel: Bool) {
        self.tunnel = tunnel
        fields.reserveCapacity(capacity)
    }

    /// Adds a field, or returns its kind when it is one the reverse map may change (then `addMapped` adds it).
    @usableFromInline
    mutating func add(name: String, value: String) -> ReverseMappedField? {
        let kind = ProxyHeaderName(name)
        switch kind {
        case .connection:
            noteConnectionOptions(value)
            if tunnel && !keptConnectionUpgrade && HeaderTokens.contains("upgrade", in: value) {
                fields.append((name, "upgrade"))
                keptConnectionUpgrade = true
            }
        case .upgrade where tunnel:
            fields.append((name, value))
        case _ where kind.isHopByHop:
            break
        case .location, .contentLocation:
            return .location
        case .setCookie:
            return .setCookie
        default:
            fields.append((name, value))
        }
        return nil
    }

    @usableFromInline
    mutating func addMapped(
        _ kind: ReverseMappedField, name: String, value: String, reverseMapper: ReverseMapper?
    ) {
        switch kind {
        case .location:
            fields.append((name, reverseMapper?.mapLocation(value) ?? value))
        case .setCookie:
            fields.append((name, reverseMapper?.mapSetCookie(value) ?? value))
        }
    }

    @usableFromInline
    mutating func finish(rewrites: [HeaderRewrite], makeRewriteContext: () -> RewriteContext) -> [(String, String)] {
        if !connectionNames.isEmpty {
            let names = connectionNames
            fields.removeAll { field in names.contains { $0.equalsFieldName(field.0) } }
        }
        if !rewrites.isEmpty { HeaderRewriter.apply(rewrites, to: &fields, context: makeRewriteContext()) }
        return fields
    }

    /// Fields named by the backend's `Connection` are hop-by-hop too (RFC 9110 §7.6.1). `Content-Length` stays
    /// whatever `Connection` says, since Sluice's framing for the client depends on it; hop-by-hop names are
    /// dropped anyway (and for a tunnel `Upgrade` / `Connection` must stay).
    private mutating func noteConnectionOptions(_ value: String) {
        HeaderTokens.forEach(in: value) { token in
            let kind = ProxyHeaderName(bytes: token)
            guard !kind.isHopByHop, kind != .contentLength, !token.equalsLowercase("close") else { return }
            connectionNames.append(String(decoding: token, as: UTF8.self))
        }
    }
}

/// The fields `ProxiedResponseHeaders` reverse-maps.
@usableFromInline
enum ReverseMappedField {
    /// `Location`, `Content-Location`.
    case location
    case setCookie
}
