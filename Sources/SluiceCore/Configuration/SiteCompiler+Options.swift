import LighttpdConfig

extension SiteCompiler {
    mutating func compileOptions(_ block: ConfigBlock, hasConditionCaptures captures: Bool) -> BlockOptions {
        var options = BlockOptions()
        func rules(_ key: String) -> [RewriteRule]? {
            guard let setting = block[key] else { return nil }
            return compileRules(setting.value, key: key, hasConditionCaptures: captures)
        }
        options.rewriteOnce = rules("url.rewrite-once")
        options.rewriteFinal = rules("url.rewrite-final")
        options.rewrite = rules("url.rewrite")
        options.rewriteRepeat = rules("url.rewrite-repeat")
        options.rewriteIfNotFile = rules("url.rewrite-if-not-file")
        options.rewriteRepeatIfNotFile = rules("url.rewrite-repeat-if-not-file")
        options.redirect = rules("url.redirect")
        options.redirectCode = block["url.redirect-code"]?.value.integerValue
        options.proxy = compileProxy(block, hasConditionCaptures: captures)
        options.authPolicy = compileAuth(block)
        options.files = compileFiles(block)
        compileModProxy(block, into: &options.proxy)
        options.extForward = compileExtForward(block)
        return options
    }

    private mutating func compileProxy(_ block: ConfigBlock, hasConditionCaptures captures: Bool) -> ProxyOptions {
        var proxy = ProxyOptions()
        func integer(_ key: String) -> Int? { block["proxy-core." + key]?.value.integerValue }
        func boolean(_ key: String) -> Bool? { block["proxy-core." + key]?.value.booleanValue }
        if let setting = block["proxy-core.backends"], let entries = setting.value.locatedStrings {
            var backends: [ResolvedBackend] = []
            var hostHeaders: [String?] = []
            for (text, location) in entries {
                switch BackendAddress.parse(text) {
                case .failure(let error):
                    diagnostics.error("bad backend \"\(text)\": \(error)", at: location)
                case .success(let address):
                    let resolved = resolveBackend(address, named: "backend \"\(text)\"", at: location)
                    backends += resolved
                    hostHeaders += Array(repeating: Self.hostHeader(for: address), count: resolved.count)
                }
            }
            proxy.backendHostHeaders = hostHeaders
            if entries.isEmpty {
                diagnostics.error("proxy-core.backends is empty", at: setting.value.location)
            }
            proxy.backends = backends
        }
        if let setting = block["proxy-core.balancer"], let name = setting.value.string {
            if let kind = BalancerKind(configName: name) {
                proxy.balancer = kind
            } else {
                diagnostics.error(
                    "unknown balancer \"\(name)\"", at: setting.value.location,
                    fix: DidYouMean.best(for: name, among: BalancerKind.configNames).map { "did you mean \"\($0)\"?" }
                        ?? "use one of: \(BalancerKind.configNames.joined(separator: ", "))")
            }
        }
        if let setting = block["proxy-core.rewrite-request"] {
            let (uri, headers, cgi) = compileHeaderRewrites(setting, allowURI: true, hasConditionCaptures: captures)
            proxy.uriRewrite = uri
            proxy.requestHeaderRewrites = headers
            proxy.cgiVariableRewrites = cgi
        }
        if let setting = block["proxy-core.rewrite-response"] {
            proxy.responseHeaderRewrites =
                compileHeaderRewrites(setting, allowURI: false, hasConditionCaptures: captures).headers
        }
        // The language layer has refused unknown names and unloaded modules.
        proxy.backendProtocol = block["proxy-core.protocol"]?.value.string.flatMap(BackendProtocol.init(rawValue:))
        proxy.maxPoolSize = integer("max-pool-size")
        proxy.maxKeepAliveRequests = integer("max-keep-alive-requests")
        proxy.disableTime = integer("disable-time")
        proxy.maxBacklogSize = integer("max-backlog-size")
        proxy.connectTimeout = integer("connect-timeout")
        proxy.readTimeout = integer("read-timeout")
        proxy.writeTimeout = integer("write-timeout")
        proxy.reverseMap = boolean("reverse-map")
        proxy.allowXSendfile = boolean("allow-x-sendfile")
        proxy.healthCheckInterval = integer("health-check-interval")
        if let setting = block["proxy-core.health-check"], let path = setting.value.string {
            if path.hasPrefix("/") {
                proxy.healthCheck = path
            } else {
                diagnostics.error("proxy-core.health-check must be a path starting with '/'", at: setting.value.location)
            }
        }
        proxy.forwarded = compileForwarded(block)
        return proxy
    }

    /// `proxy.forwarded = ( "for" => 1, "proto" => "enable", ... )`: lighttpd 1.4 accepts exactly the keys
    /// by, for, host, proto, remote_user, with 0/1/enable/disable values.
    private mutating func compileForwarded(_ block: ConfigBlock) -> ForwardedParameters? {
        guard let setting = block["proxy.forwarded"], let entries = setting.value.array else { return nil }
        var parameters = ForwardedParameters()
        for entry in entries {
            guard let key = entry.key, let parameter = ForwardedParameters(configKey: key) else {
                diagnostics.error(
                    "proxy.forwarded keys are \"for\", \"proto\", \"host\", \"by\" and \"remote_user\"",
                    at: entry.keyLocation ?? entry.value.location)
                continue
            }
            guard let enabled = entry.value.booleanValue else {
                diagnostics.error("proxy.forwarded values are 1, 0, \"enable\" or \"disable\"", at: entry.value.location)
                continue
            }
            if enabled { parameters.insert(parameter) }
        }
        return parameters
    }

    /// `( "_uri" => ( regex => repl ), "Header-Name" => ( regex => repl ) )`, and for FastCGI/SCGI backends
    /// lighttpd 1.5's `"_scriptname"`, `"_pathinfo"`, `"_docroot"` (`CGIVariableRewrites`).
    private mutating func compileHeaderRewrites(
        _ setting: ConfigSetting, allowURI: Bool, hasConditionCaptures captures: Bool
    ) -> (uri: [RewriteRule]?, headers: [HeaderRewrite], cgi: [HeaderRewrite]) {
        var uri: [RewriteRule]?
        var headers: [HeaderRewrite] = []
        var cgi: [HeaderRewrite] = []
        for entry in setting.value.array ?? [] {
            guard let name = entry.key, entry.value.array != nil else {
                diagnostics.error(
                    "'\(setting.key)' expects ( \"Header-Name\" => ( \"regex\" => \"replacement\" ) )",
                    at: entry.keyLocation ?? entry.value.location)
                continue
            }
            guard let rules = compileRules(entry.value, key: setting.key, hasConditionCaptures: captures) else {
                if entry.value.stringPairsValue == nil {
                    diagnostics.error(
                        "'\(setting.key)' \"\(name)\" expects ( \"regex\" => \"replacement\", ... )",
                        at: entry.value.location)
                }
                continue
            }
            if name == "_uri" {
                if allowURI {
                    uri = rules
                } else {
                    diagnostics.error(
                        "\"_uri\" is only meaningful in proxy-core.rewrite-request", at: entry.keyLocation ?? setting.location)
                }
            } else if CGIVariableRewrites.keys.contains(name) {
                if allowURI {
                    cgi.append(HeaderRewrite(header: name, rules: rules))
                } else {
                    diagnostics.error(
                        "\"\(name)\" is only meaningful in proxy-core.rewrite-request", at: entry.keyLocation ?? setting.location)
                }
            } else if name.hasPrefix("_") {
                diagnostics.error(
                    "unknown pseudo-key \"\(name)\"", at: entry.keyLocation ?? setting.location,
                    fix: "use \"_uri\", or for FastCGI/SCGI \"_scriptname\", \"_pathinfo\", \"_docroot\"; other keys name headers")
            } else {
                headers.append(HeaderRewrite(header: name, rules: rules))
            }
        }
        return (uri, headers, cgi)
    }

    private mutating func compileAuth(_ block: ConfigBlock) -> AuthPolicy? {
        guard let setting = block["auth.require"], let entries = setting.value.array else { return nil }
        var rules: [AuthRequireRule] = []
        for entry in entries {
            guard let path = entry.key, let optionPairs = entry.value.stringPairsValue else {
                diagnostics.error(
                    "auth.require expects ( \"/path\" => ( \"method\" => \"basic\", \"realm\" => \"...\", \"require\" => \"valid-user\" ) )",
                    at: entry.keyLocation ?? entry.value.location)
                continue
            }
            do {
                rules.append(
                    try AuthRequireRule(pathPrefix: path, options: optionPairs.map { (key: $0.key, value: $0.value) }))
            } catch {
                let location: SourceLocation
                switch error.position {
                case .requirePath: location = entry.keyLocation ?? entry.value.location
                case .optionKey(let key): location = optionPairs.first { $0.key == key }?.keyLocation ?? entry.value.location
                case .optionValue(let key, _): location = optionPairs.first { $0.key == key }?.valueLocation ?? entry.value.location
                default: location = entry.value.location
                }
                diagnostics.error("auth.require \"\(path)\": \(error.message)", at: location)
            }
        }
        do {
            return try AuthPolicy(rules: rules)
        } catch {
            diagnostics.error("auth.require: \(error.message)", at: setting.location)
            return nil
        }
    }

    /// `extforward.forwarder = ( "10.0.0.0/8" => "trust", "all" => "trust" )`, `extforward.headers`.
    private mutating func compileExtForward(_ block: ConfigBlock) -> ExtForwardPolicy? {
        guard let setting = block["extforward.forwarder"], let pairs = setting.value.stringPairsValue else { return nil }
        var everyone = false
        var trusted: [CIDRBlock] = []
        for pair in pairs {
            guard pair.value == "trust" || pair.value == "untrusted" else {
                diagnostics.error("extforward.forwarder values are \"trust\" (or \"untrusted\")", at: pair.valueLocation)
                continue
            }
            guard pair.value == "trust" else { continue }
            if pair.key == "all" {
                everyone = true
            } else if let cidr = CIDRBlock(pair.key) {
                trusted.append(cidr)
            } else {
                diagnostics.error("\"\(pair.key)\" is not an IP address, CIDR block or \"all\"", at: pair.keyLocation)
            }
        }
        let headers = block["extforward.headers"]?.value.stringListValue ?? ExtForwardPolicy.defaultHeaders
        return ExtForwardPolicy(trustsEveryone: everyone, trusted: trusted, headers: headers)
    }
}
