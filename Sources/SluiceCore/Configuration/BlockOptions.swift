import LighttpdConfig

/// The compiled options one config block sets; `nil` means "not set here". A request applies the options
/// of every matching block in config order, so for each option the last matching block wins (lighttpd).
public struct BlockOptions: Sendable {
    /// `url.rewrite-once`, `url.rewrite-final`, `url.rewrite` (tried in that order; all are "once" rules).
    public var rewriteOnce: [RewriteRule]?
    public var rewriteFinal: [RewriteRule]?
    public var rewrite: [RewriteRule]?
    /// `url.rewrite-repeat`.
    public var rewriteRepeat: [RewriteRule]?
    public var rewriteIfNotFile: [RewriteRule]?
    public var rewriteRepeatIfNotFile: [RewriteRule]?
    /// `url.redirect` and `url.redirect-code`.
    public var redirect: [RewriteRule]?
    public var redirectCode: Int?
    /// `proxy-core.*` set in this block.
    public var proxy = ProxyOptions()
    /// `auth.require`.
    public var authPolicy: AuthPolicy?
    /// Static files, error pages, auth backend, access log.
    public var files = StaticOptions()
    /// mod_extforward (read from the global block: it decides the client before any condition).
    public var extForward: ExtForwardPolicy?

    public init() {}

    /// Every rule list of the block, for checks that look at all of them.
    var allRules: [RewriteRule] {
        [rewriteOnce, rewriteFinal, rewrite, rewriteRepeat, rewriteIfNotFile, rewriteRepeatIfNotFile, redirect,
         proxy.uriRewrite].compactMap { $0 }.flatMap { $0 }
            + (proxy.requestHeaderRewrites ?? []).flatMap(\.rules)
            + (proxy.cgiVariableRewrites ?? []).flatMap(\.rules)
            + (proxy.responseHeaderRewrites ?? []).flatMap(\.rules)
    }

    /// Some value here uses `%n` (an enclosing condition's captures).
    var usesConditionCaptures: Bool { allRules.contains { $0.template.usesConditionCaptures } }
}

/// `proxy-core.*` options of one block (each nil when not set there).
public struct ProxyOptions: Sendable {
    public var backends: [ResolvedBackend]?
    public var balancer: BalancerKind?
    /// `proxy-core.protocol`.
    public var backendProtocol: BackendProtocol?
    /// `"_uri"` of `proxy-core.rewrite-request`: the target the backend receives.
    public var uriRewrite: [RewriteRule]?
    /// The other keys of `proxy-core.rewrite-request`.
    public var requestHeaderRewrites: [HeaderRewrite]?
    /// Its `"_scriptname"`, `"_pathinfo"`, `"_docroot"` (FastCGI/SCGI).
    public var cgiVariableRewrites: [HeaderRewrite]?
    public var responseHeaderRewrites: [HeaderRewrite]?
    public var maxPoolSize: Int?
    public var maxKeepAliveRequests: Int?
    public var disableTime: Int?
    public var maxBacklogSize: Int?
    public var connectTimeout: Int?
    public var readTimeout: Int?
    public var writeTimeout: Int?
    public var reverseMap: Bool?
    public var allowXSendfile: Bool?
    public var healthCheck: String?
    public var healthCheckInterval: Int?
    /// `proxy.forwarded` (lighttpd 1.4): the RFC 7239 `Forwarded` parameters to send.
    public var forwarded: ForwardedParameters?
    /// `proxy.server` (lighttpd 1.4), its keys in config order.
    public var servers: [ModProxyServer]?
    /// `proxy.header` (lighttpd 1.4).
    public var header: ModProxyHeader?
    /// `Host` per entry of `proxy-core.backends` under `proxy.replace-http-host` (same order as `backends`).
    public var backendHostHeaders: [String?]?
    /// `proxy.replace-http-host` (lighttpd 1.4).
    public var replacesHost: Bool?

    public init() {}
}
