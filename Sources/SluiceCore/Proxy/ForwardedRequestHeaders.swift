/// The header list a backend receives for a client's request (SPEC §4 "Request to the backend").
///
/// Built in one pass over the client's fields into one array, in the client's order and spelling, with no
/// dictionary and no lower-cased copies:
/// - `Host` first: the client's own (kept, as lighttpd and `ProxyPreserveHost On` do), or the absolute-form
///   authority, or empty when the client sent none (RFC 9112 §3.2);
/// - removed: the hop-by-hop fields (RFC 9110 §7.6.1: `Connection` and every field it names, `Keep-Alive`,
///   `Proxy-Connection`, `TE`, `Trailer`, `Upgrade`, `Transfer-Encoding`), `Content-Length` (Sluice re-frames
///   the body, RFC 9112 §6), `Proxy` (httpoxy, CVE-2016-5385, as lighttpd 1.4), `Expect` (Sluice answers
///   `100 Continue` itself, as lighttpd 1.4 and 1.5 do), `Set-Cookie` (a response field; lighttpd drops it to
///   avoid reflection);
/// - `X-Forwarded-For`: every incoming value, in order, joined with `, ` (RFC 9110 §5.3 field-line combination),
///   then the peer (`client, peer`; lighttpd 1.5 overwrote the incoming value instead, a known defect);
/// - `X-Forwarded-Host` = Host, `X-Forwarded-Proto` = scheme, `X-Forwarded-Prefix` = the client-facing prefix
///   (absent when empty). Sluice owns these three: incoming ones are replaced, so a client cannot steer how the
///   backend builds its URLs;
/// - `Forwarded` (RFC 7239) when `ForwardedParameters` are set, appended to the incoming value (or seeded from
///   the incoming `X-Forwarded-For`, as lighttpd 1.4 does); untouched otherwise;
/// - then the `proxy-core.rewrite-request` header rules (see `HeaderRewriter`);
/// - then framing and connection fields of Sluice's own: `Content-Length` / `Transfer-Encoding: chunked` from
///   `RequestBodyFraming`, `TE: trailers` when the client accepts trailers, `Upgrade: websocket` when tunnelling,
///   and a `Connection` naming `te` / `upgrade` for those (RFC 9110 §7.6.1, §10.1.4).
///
/// `TE`: RFC 9110 §10.1.4 makes it hop-by-hop, describing what the *next* recipient accepts. Sluice decodes only
/// `chunked` from backends, so it never forwards other codings; it sends `TE: trailers` exactly when the client
/// said `trailers` (lighttpd 1.4 keeps TE only when it is "trailers"), because trailer fields the backend sends
/// are either passed on to that client or, RFC 9112 §7.1.2 allows, dropped.
public enum ForwardedRequestHeaders {
    /// What else the backend's headers depend on besides the request.
    public struct Options: Sendable {
        /// `proxy.forwarded`; empty: no `Forwarded` header is added.
        public var forwarded: ForwardedParameters
        /// `proxy-core.rewrite-request` header rules (not `_uri`).
        public var rewrites: [HeaderRewrite]
        /// `%n` and `${url.*}` for those rules.
        public var rewriteContext: RewriteContext

        public init(forwarded: ForwardedParameters = [], rewrites: [HeaderRewrite] = [],
                    rewriteContext: RewriteContext = RewriteContext()) {
            self.forwarded = forwarded
            self.rewrites = rewrites
            self.rewriteContext = rewriteContext
        }

        /// The options a routed request's `proxy-core.rewrite-request` and `proxy.forwarded` give.
        public init(_ routed: RoutedRequest, site: Site) {
            let options = routed.options
            // No rules: an empty context (an empty array allocates nothing).
            self.init(
                forwarded: options.proxy.forwarded, rewrites: options.proxy.requestHeaderRewrites,
                rewriteContext: options.proxy.requestHeaderRewrites.isEmpty
                    ? RewriteContext(target: [])
                    : RewriteContext(routed, site: site, block: options.proxy.requestHeaderRewritesBlock))
        }
    }

    /// Whether a request asks for a WebSocket tunnel (RFC 6455 §4.1): `GET`, HTTP/1.1 or later, `Upgrade`
    /// listing `websocket` and `Connection` listing `upgrade`. Only WebSocket is tunnelled: after a `101` every
    /// byte goes to the backend unchecked, and `h2c` in particular would let a client talk HTTP/2 straight to the
    /// backend past Sluice's rules ("h2c smuggling"). An HTTP/1.0 `Upgrade` is ignored (RFC 9110 §7.8).
    ///
    /// Inlinable, like `build`, so that iterating the caller's header type (NIO's `HTTPHeaders`) is specialised
    /// in the caller's module; the work per field is in non-generic code.
    @inlinable
    public static func isWebSocketUpgrade(
        method: String, isHTTP11OrLater: Bool, headers: some Sequence<(name: String, value: String)>
    ) -> Bool {
        guard isHTTP11OrLater, method == "GET" else { return false }
        var detector = WebSocketUpgradeDetector()
        for (name, value) in headers { detector.add(name: name, value: value) }
        return detector.isUpgrade
    }

    /// The backend's header list for a request with the client's `headers`.
    /// - Parameters:
    ///   - method: the request method (decides whether an empty body still gets `Content-Length: 0`).
    ///   - body: how Sluice frames the body it sends.
    ///   - tunnel: the request is a WebSocket upgrade Sluice tunnels (`isWebSocketUpgrade`).
    @inlinable
    public static func build(
        _ headers: some Sequence<(name: String, value: String)>, method: String, body: RequestBodyFraming,
        tunnel: Bool, context: ForwardingContext, options: Options = Options()
    ) -> [(String, String)] {
        var builder = RequestHeaderBuilder(capacity: headers.underestimatedCount, context: context, options: options)
        for (name, value) in headers { builder.add(name: name, value: value) }
        return builder.finish(method: method, body: body, tunnel: tunnel)
    }

    /// RFC 9110 §8.6: a request without content still says `Content-Length: 0` when its method anticipates
    /// content (lighttpd sends it for everything but GET/HEAD; here also not for the methods RFC 9110 defines
    /// without content semantics). Without it a `POST` with no body would reach the backend unframed.
    static func methodAnticipatesContent(_ method: String) -> Bool {
        switch method {
        case "GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT": return false
        default: return true
        }
    }
}
