import LighttpdConfig
/// A list of rules and the block it came from (its `%n` refer to that block's enclosing regex condition).
public struct RuleSet: Sendable {
    public var rules: [RewriteRule]
    public var block: Int
    /// The config key, for `explain`: `url.rewrite-once`, `url.redirect`, ...
    public var key: String
    /// For lighttpd 1.4's `map-urlpath`: each rule's client ↔ backend prefixes (the reverse map uses the matched
    /// rule's instead of deriving one).
    public var pathMappings: [PathMapping]? = nil
}

/// The options in effect for one request: for each option, the value of the last matching block.
///
/// A class, fixed once resolved: a site resolves one for every set of blocks a request can match when it is
/// loaded (`Site.resolvedOptions(for:)`), so routing a request looks its options up instead of overlaying, and
/// copying, dozens of arrays and strings.
public final class ResolvedOptions: Sendable {
    /// `url.rewrite*` and `url.redirect*`.
    public let rewrites: ResolvedRewrites
    public let authPolicy: AuthPolicy?
    public let proxy: ResolvedProxy
    public let files: ResolvedStatic
    /// With lighttpd 1.4's `proxy.server` in effect: these options with each key chosen (same order), and with
    /// none matching (not proxied). Built once, so choosing a key per request allocates nothing.
    private let serverChoices: [ResolvedOptions]
    private let noServerChoice: ResolvedOptions?

    /// The defaults (no block's options).
    public convenience init() {
        self.init(rewrites: ResolvedRewrites(), authPolicy: nil, proxy: ResolvedProxy(), files: ResolvedStatic())
    }

    /// Overlays the options of the active blocks in config order.
    public convenience init(site: Site, active: ActiveBlocks) {
        self.init(options: site.options, active: active.blocks, rewrites: nil)
    }

    /// `rewrites`: those of the same blocks when already resolved. `choosingServers`: build the options of
    /// every `proxy.server` key now (for options kept in the site's table; a request's own resolution chooses
    /// its one key later instead).
    convenience init(
        options blocks: [BlockOptions], active: BlockSet, rewrites: ResolvedRewrites?, choosingServers: Bool = true
    ) {
        var authPolicy: AuthPolicy?
        var proxy = ResolvedProxy()
        var files = ResolvedStatic()
        for index in blocks.indices where active[index] {
            if let policy = blocks[index].authPolicy { authPolicy = policy }
            proxy.overlay(blocks[index].proxy, block: index)
            files.overlay(blocks[index].files)
        }
        self.init(
            rewrites: rewrites ?? ResolvedRewrites(options: blocks, active: active), authPolicy: authPolicy,
            proxy: proxy, files: files, choosingServers: choosingServers)
    }

    private init(
        rewrites: ResolvedRewrites, authPolicy: AuthPolicy?, proxy: ResolvedProxy, files: ResolvedStatic,
        choosingServers: Bool = true
    ) {
        self.rewrites = rewrites
        self.authPolicy = authPolicy
        self.proxy = proxy
        self.files = files
        if choosingServers, let servers = proxy.servers {
            func choice(_ server: Int?) -> ResolvedOptions {
                ResolvedOptions(
                    rewrites: rewrites, authPolicy: authPolicy, proxy: proxy.choosing(server: server), files: files,
                    choosingServers: false)
            }
            serverChoices = servers.indices.map(choice)
            noServerChoice = choice(nil)
        } else {
            serverChoices = []
            noServerChoice = nil
        }
    }

    /// These options for a request with this decoded path: under `proxy.server`, the first key matching it
    /// chooses the backends and their host options, and no match means the request is not proxied
    /// (`gw_check_extension`); otherwise the options themselves.
    public func choosingProxyServer(path: some Collection<UInt8>) -> ResolvedOptions {
        guard let servers = proxy.servers else { return self }
        let index = servers.firstIndex { $0.match.matches(path) }
        if let noServerChoice { return index.map { serverChoices[$0] } ?? noServerChoice }
        // Options resolved for this request alone: make only the one it needs.
        return ResolvedOptions(
            rewrites: rewrites, authPolicy: authPolicy, proxy: proxy.choosing(server: index), files: files,
            choosingServers: false)
    }
}

/// What the rewrite stage reads (`url.rewrite*`, `url.redirect*`), apart from the rest of the options: a site
/// too large for a table of resolved options resolves these on every rewrite pass, and the rest only for the last.
public final class ResolvedRewrites: Sendable {
    /// `url.rewrite-once`, `url.rewrite-final`, `url.rewrite`, in the order lighttpd tries them.
    public let once: [RuleSet]
    public let repeating: RuleSet?
    public let ifNotFile: RuleSet?
    public let repeatIfNotFile: RuleSet?
    public let redirect: RuleSet?
    public let redirectCode: Int?

    init() {
        once = []
        repeating = nil
        ifNotFile = nil
        repeatIfNotFile = nil
        redirect = nil
        redirectCode = nil
    }

    init(options blocks: [BlockOptions], active: BlockSet) {
        var onceRules: RuleSet?, finalRules: RuleSet?, plainRules: RuleSet?
        var repeating: RuleSet?, ifNotFile: RuleSet?, repeatIfNotFile: RuleSet?, redirect: RuleSet?
        var redirectCode: Int?
        for index in blocks.indices where active[index] {
            if let rules = blocks[index].rewriteOnce {
                onceRules = RuleSet(rules: rules, block: index, key: "url.rewrite-once")
            }
            if let rules = blocks[index].rewriteFinal {
                finalRules = RuleSet(rules: rules, block: index, key: "url.rewrite-final")
            }
            if let rules = blocks[index].rewrite { plainRules = RuleSet(rules: rules, block: index, key: "url.rewrite") }
            if let rules = blocks[index].rewriteRepeat {
                repeating = RuleSet(rules: rules, block: index, key: "url.rewrite-repeat")
            }
            if let rules = blocks[index].rewriteIfNotFile {
                ifNotFile = RuleSet(rules: rules, block: index, key: "url.rewrite-if-not-file")
            }
            if let rules = blocks[index].rewriteRepeatIfNotFile {
                repeatIfNotFile = RuleSet(rules: rules, block: index, key: "url.rewrite-repeat-if-not-file")
            }
            if let rules = blocks[index].redirect { redirect = RuleSet(rules: rules, block: index, key: "url.redirect") }
            if let code = blocks[index].redirectCode { redirectCode = code }
        }
        once = [onceRules, finalRules, plainRules].compactMap { $0 }
        self.repeating = repeating
        self.ifNotFile = ifNotFile
        self.repeatIfNotFile = repeatIfNotFile
        self.redirect = redirect
        self.redirectCode = redirectCode
    }

    /// Some rewrite rule could apply (redirects aside).
    var hasRewriteRules: Bool { !once.isEmpty || repeating != nil || ifNotFile != nil || repeatIfNotFile != nil }
}

/// `proxy-core.*` in effect, with SPEC §4's defaults for what no block sets.
public struct ResolvedProxy: Sendable {
    /// Nil: the request is not proxied.
    public var backends: [ResolvedBackend]?
    /// The backend group: the block whose `proxy-core.backends` or `proxy.server` applies, and the matching
    /// `proxy.server` key. Requests with the same key share one group.
    public var routeKey: ProxyRouteKey?
    /// lighttpd 1.4's `proxy.server` in effect (its key is chosen per request: `ResolvedOptions.choosingProxyServer`),
    /// and its block.
    public var servers: [ModProxyServer]?
    public var serversBlock: Int?
    /// `Host` per backend under `proxy.replace-http-host` (empty: the client's `Host`).
    public var backendHostHeaders: [String?] = []
    /// WebSocket upgrades are tunnelled; off only with `proxy.header` `"upgrade" => "disable"` or a
    /// `proxy.server` host's `"upgrade" => "disable"` (then an upgrade request goes on as a plain one).
    public var allowsUpgrade = true
    /// `proxy.replace-http-host`: the backend gets its label or host[:port] as `Host` (`backendHostHeaders`).
    public var replacesHost = false
    /// `proxy.header` host maps and `https-remap` (`HostMap`); empty and off by default.
    public var hostMapRequest: [HostMapEntry] = []
    public var hostMapResponse: [HostMapEntry] = []
    public var httpsRemap = false
    public var balancer: BalancerKind = .defaultKind
    /// `proxy-core.protocol`, HTTP by default.
    public var backendProtocol: BackendProtocol = .http
    public var uriRewrite: RuleSet?
    public var requestHeaderRewrites: [HeaderRewrite] = []
    /// `"_scriptname"`, `"_pathinfo"`, `"_docroot"` of `proxy-core.rewrite-request` (`CGIVariableRewrites`).
    public var cgiVariableRewrites: [HeaderRewrite] = []
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
            backendHostHeaders = options.backendHostHeaders ?? []
            routeKey = ProxyRouteKey(block: block)
            servers = nil
            serversBlock = nil
        }
        if let value = options.servers {
            servers = value
            serversBlock = block
            backends = nil
            routeKey = nil
        }
        if let value = options.replacesHost { replacesHost = value }
        if let header = options.header {
            allowsUpgrade = header.allowsUpgrade
            hostMapRequest = header.hostMapRequest
            hostMapResponse = header.hostMapResponse
            httpsRemap = header.httpsRemap
            if let map = header.urlPathMap {
                uriRewrite = RuleSet(rules: map.rules, block: block, key: "map-urlpath", pathMappings: map.mappings)
            } else if uriRewrite?.pathMappings != nil {
                // An enclosing block's map-urlpath goes with the proxy.header that replaced it.
                uriRewrite = nil
            }
        }
        if let value = options.balancer { balancer = value }
        if let value = options.uriRewrite { uriRewrite = RuleSet(rules: value, block: block, key: "_uri") }
        if let value = options.requestHeaderRewrites {
            requestHeaderRewrites = value
            requestHeaderRewritesBlock = block
            cgiVariableRewrites = options.cgiVariableRewrites ?? []
        }
        if let value = options.responseHeaderRewrites {
            responseHeaderRewrites = value
            responseHeaderRewritesBlock = block
        }
        if let value = options.maxPoolSize { maxPoolSize = value }
        if let value = options.backendProtocol { backendProtocol = value }
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

    /// These options with `proxy.server` key `index` chosen, or with none (nil: the request is not proxied).
    public func choosing(server index: Int?) -> ResolvedProxy {
        var chosen = self
        guard let index, let block = serversBlock else {
            chosen.backends = nil
            chosen.routeKey = nil
            return chosen
        }
        chosen.select(server: index, block: block)
        return chosen
    }

    /// The options of `proxy.server` key `index` (set in `block`).
    private mutating func select(server index: Int, block: Int) {
        guard let servers, servers.indices.contains(index) else { return }
        let server = servers[index]
        backends = server.backends
        backendHostHeaders = server.hostHeaders
        routeKey = ProxyRouteKey(block: block, server: index)
        if let value = server.disableTime { disableTime = value }
        if let value = server.connectTimeout { connectTimeout = value }
        if let value = server.readTimeout { readTimeout = value }
        if let value = server.writeTimeout { writeTimeout = value }
        if let value = server.allowXSendfile { allowXSendfile = value }
        if let value = server.allowsUpgrade { allowsUpgrade = value }
    }
}
