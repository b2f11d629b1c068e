/// A list of rules and the block it came from (its `%n` refer to that block's enclosing regex condition).
public struct RuleSet: Sendable {
    public var rules: [RewriteRule]
    public var block: Int
    /// The config key, for `explain`: `url.rewrite-once`, `url.redirect`, ...
    public var key: String
}

/// The options in effect for one request: for each option, the value of the last matching block.
public struct ResolvedOptions: Sendable {
    /// `url.rewrite-once`, `url.rewrite-final`, `url.rewrite`, in the order lighttpd tries them.
    public var rewriteOnce: [RuleSet] = []
    public var rewriteRepeat: RuleSet?
    public var rewriteIfNotFile: RuleSet?
    public var rewriteRepeatIfNotFile: RuleSet?
    public var redirect: RuleSet?
    public var redirectCode: Int?
    public var authPolicy: AuthPolicy?
    public var proxy = ResolvedProxy()
    public var files = ResolvedStatic()

    public init() {}

    /// Overlays the options of the active blocks in config order.
    public init(site: Site, active: ActiveBlocks) {
        self.init(rewritesOf: site, active: active)
        overlayRest(of: site, active: active)
    }

    /// Only what the rewrite stage reads (`url.rewrite*`, `url.redirect*`): it runs once per rewrite pass, and
    /// only the last pass needs the rest (`overlayRest`).
    init(rewritesOf site: Site, active: ActiveBlocks) {
        var onceRules: RuleSet?, finalRules: RuleSet?, plainRules: RuleSet?
        let blocks = site.options
        for index in active.active.indices where active.active[index] {
            if let rules = blocks[index].rewriteOnce {
                onceRules = RuleSet(rules: rules, block: index, key: "url.rewrite-once")
            }
            if let rules = blocks[index].rewriteFinal {
                finalRules = RuleSet(rules: rules, block: index, key: "url.rewrite-final")
            }
            if let rules = blocks[index].rewrite { plainRules = RuleSet(rules: rules, block: index, key: "url.rewrite") }
            if let rules = blocks[index].rewriteRepeat {
                rewriteRepeat = RuleSet(rules: rules, block: index, key: "url.rewrite-repeat")
            }
            if let rules = blocks[index].rewriteIfNotFile {
                rewriteIfNotFile = RuleSet(rules: rules, block: index, key: "url.rewrite-if-not-file")
            }
            if let rules = blocks[index].rewriteRepeatIfNotFile {
                rewriteRepeatIfNotFile = RuleSet(rules: rules, block: index, key: "url.rewrite-repeat-if-not-file")
            }
            if let rules = blocks[index].redirect { redirect = RuleSet(rules: rules, block: index, key: "url.redirect") }
            if let code = blocks[index].redirectCode { redirectCode = code }
        }
        if let onceRules { rewriteOnce.append(onceRules) }
        if let finalRules { rewriteOnce.append(finalRules) }
        if let plainRules { rewriteOnce.append(plainRules) }
    }

    /// Auth, proxy and static-file options of the active blocks.
    mutating func overlayRest(of site: Site, active: ActiveBlocks) {
        let blocks = site.options
        for index in active.active.indices where active.active[index] {
            if let policy = blocks[index].authPolicy { authPolicy = policy }
            proxy.overlay(blocks[index].proxy, block: index)
            files.overlay(blocks[index].files)
        }
    }
}

/// `proxy-core.*` in effect, with SPEC §4's defaults for what no block sets.
public struct ResolvedProxy: Sendable {
    /// Nil: the request is not proxied.
    public var backends: [ResolvedBackend]?
    /// The block whose `proxy-core.backends` applies: requests with the same block share one backend group.
    public var backendsBlock: Int?
    public var balancer: BalancerKind = .defaultKind
    public var uriRewrite: RuleSet?
    public var requestHeaderRewrites: [HeaderRewrite] = []
    public var responseHeaderRewrites: [HeaderRewrite] = []
    /// The blocks the header rules come from (their `%n` refer to that block's enclosing regex condition).
    public var requestHeaderRewritesBlock: Int?
    public var responseHeaderRewritesBlock: Int?
    /// Default 64 connections per backend, shared by all event loops.
    public var maxPoolSize = 64
    /// Default 1000 requests per backend connection.
    public var maxKeepAliveRequests = 1000
    /// Default 1 second.
    public var disableTime = 1
    /// Default 1024 waiting requests.
    public var maxBacklogSize = 1024
    /// Defaults 5 / 60 / 60 seconds.
    public var connectTimeout = 5
    public var readTimeout = 60
    public var writeTimeout = 60
    public var reverseMap = true
    public var allowXSendfile = false
    public var healthCheck: String?
    public var healthCheckInterval = 5
    /// `proxy.forwarded`; empty by default (no `Forwarded` header, only `X-Forwarded-*`).
    public var forwarded: ForwardedParameters = []

    public init() {}

    mutating func overlay(_ options: ProxyOptions, block: Int) {
        if let value = options.backends {
            backends = value
            backendsBlock = block
        }
        if let value = options.balancer { balancer = value }
        if let value = options.uriRewrite { uriRewrite = RuleSet(rules: value, block: block, key: "_uri") }
        if let value = options.requestHeaderRewrites {
            requestHeaderRewrites = value
            requestHeaderRewritesBlock = block
        }
        if let value = options.responseHeaderRewrites {
            responseHeaderRewrites = value
            responseHeaderRewritesBlock = block
        }
        if let value = options.maxPoolSize { maxPoolSize = value }
        if let value = options.maxKeepAliveRequests { maxKeepAliveRequests = value }
        if let value = options.disableTime { disableTime = value }
        if let value = options.maxBacklogSize { maxBacklogSize = value }
        if let value = options.connectTimeout { connectTimeout = value }
        if let value = options.readTimeout { readTimeout = value }
        if let value = options.writeTimeout { writeTimeout = value }
        if let value = options.reverseMap { reverseMap = value }
        if let value = options.allowXSendfile { allowXSendfile = value }
        if let value = options.healthCheck { healthCheck = value }
        if let value = options.healthCheckInterval { healthCheckInterval = value }
        if let value = options.forwarded { forwarded = value }
    }
}
