import LighttpdConfig

/// lighttpd 1.4's `mod_proxy` keys (`proxy.server`, `proxy.balance`, `proxy.header`, `proxy.replace-http-host`)
/// mapped onto the proxy core (SPEC §4), so a 1.4 config proxies with pooled keep-alive connections where
/// lighttpd opened one connection per request. What has no counterpart yet is refused with its location,
/// never accepted and ignored.
extension SiteCompiler {
    /// Host options `proxy.server` accepts (lighttpd's `gw_backend` keys that mean something for a proxy).
    static let modProxyHostOptions = [
        "host", "port", "socket", "disable-time", "connect-timeout", "read-timeout", "write-timeout", "upgrade",
        "x-sendfile", "x-sendfile-docroot",
    ]
    /// `proxy.header` keys lighttpd 1.4 knows.
    static let modProxyHeaderKeys = [
        "map-urlpath", "map-host-request", "map-host-response", "map-urlpath-resp-host-include",
        "map-urlpath-resp-host-exclude", "https-remap", "upgrade", "connect", "force-http10",
    ]
    /// `proxy.balance` names and the policies they are (`fair` is lighttpd's least-connection).
    static let modProxyBalancers: [(name: String, kind: BalancerKind)] = [
        ("fair", .shortestQueueFirst), ("least-connection", .shortestQueueFirst), ("round-robin", .roundRobin),
        ("hash", .urlHash), ("sticky", .sticky),
    ]

    mutating func compileModProxy(_ block: ConfigBlock, into proxy: inout ProxyOptions) {
        if let setting = block["proxy.server"] {
            if let other = block["proxy-core.backends"] {
                diagnostics.error(
                    "proxy.server and proxy-core.backends in one block", at: other.location,
                    fix: "keep one of them")
            }
            proxy.servers = compileServers(setting)
        }
        if let setting = block["proxy.balance"], let name = setting.value.string {
            if block["proxy-core.balancer"] != nil {
                diagnostics.error("proxy.balance and proxy-core.balancer in one block", at: setting.location, fix: "keep one of them")
            } else if let kind = Self.modProxyBalancers.first(where: { $0.name == name })?.kind {
                proxy.balancer = kind
            } else {
                let names = Self.modProxyBalancers.map(\.name)
                diagnostics.error(
                    "unknown proxy.balance \"\(name)\"", at: setting.value.location,
                    fix: DidYouMean.best(for: name, among: names).map { "did you mean \"\($0)\"?" }
                        ?? "use one of: \(names.joined(separator: ", "))")
            }
        }
        if let setting = block["proxy.header"] {
            proxy.header = compileProxyHeader(setting, uriRewriteInBlock: proxy.uriRewrite != nil)
        }
        if let setting = block["proxy.replace-http-host"] {
            proxy.replacesHost = setting.value.booleanValue
        }
    }

    /// `( "KEY" => ( HOST, ... ), ... )` where HOST is `( "host" => ..., "port" => ... )`, optionally labelled
    /// (`"label" => ( ... )`).
    private mutating func compileServers(_ setting: ConfigSetting) -> [ModProxyServer] {
        let usage = "proxy.server expects ( \"KEY\" => ( ( \"host\" => \"127.0.0.1\", \"port\" => 8080 ), ... ) )"
        var servers: [ModProxyServer] = []
        for entry in setting.value.array ?? [] {
            guard let key = entry.key, let hosts = entry.value.array else {
                diagnostics.error(usage, at: entry.keyLocation ?? entry.value.location)
                continue
            }
            var server = ModProxyServer(key: key)
            for host in hosts {
                guard let fields = host.value.array, fields.allSatisfy({ $0.key != nil }) else {
                    diagnostics.error(usage, at: host.value.location)
                    continue
                }
                compileHost(fields, label: host.key, at: host.value.location, into: &server, key: key)
            }
            if hosts.isEmpty {
                diagnostics.error("proxy.server \"\(key)\" has no hosts", at: entry.value.location)
            }
            servers.append(server)
        }
        // An empty list is "proxy nothing here" (a sub-path left to the static handler).
        return servers
    }

    /// One host: its address (resolved like `proxy-core.backends`) and options. `label`: the host's key in a
    /// labelled list, which `proxy.replace-http-host` sends as `Host`, as lighttpd does (the host's own
    /// host:port for an unlabelled one).
    private mutating func compileHost(
        _ fields: [ConfigArrayEntry], label: String?, at location: SourceLocation, into server: inout ModProxyServer,
        key: String
    ) {
        var name: String?, port = 80, socket: String?
        // After a mistake in this host's own fields (a misspelt "host"), "needs host or socket" would be noise.
        let errorsBefore = diagnostics.all.count
        for field in fields {
            guard let option = field.key else { continue }
            let at = field.value.location
            func integer(_ range: ClosedRange<Int>) -> Int? {
                guard let value = field.value.integerValue, range.contains(value) else {
                    diagnostics.error(
                        "proxy.server \"\(option)\" must be an integer between \(range.lowerBound) and \(range.upperBound)", at: at)
                    return nil
                }
                return value
            }
            func boolean() -> Bool? {
                guard let value = field.value.booleanValue else {
                    diagnostics.error("proxy.server \"\(option)\" expects \"enable\" or \"disable\"", at: at)
                    return nil
                }
                return value
            }
            switch option {
            case "host":
                guard let text = field.value.string, !text.isEmpty else {
                    diagnostics.error("proxy.server \"host\" expects an address or a name", at: at)
                    continue
                }
                name = text
            case "port":
                port = integer(1...65535) ?? port
            case "socket":
                guard let text = field.value.string, text.hasPrefix("/") else {
                    diagnostics.error("proxy.server \"socket\" expects an absolute path", at: at)
                    continue
                }
                socket = text
            case "disable-time":
                noteHostOption(\.disableTime, integer(0...86_400), option: option, at: at, server: &server, key: key)
            case "connect-timeout":
                noteHostOption(\.connectTimeout, integer(1...86_400), option: option, at: at, server: &server, key: key)
            case "read-timeout":
                noteHostOption(\.readTimeout, integer(0...86_400), option: option, at: at, server: &server, key: key)
            case "write-timeout":
                noteHostOption(\.writeTimeout, integer(0...86_400), option: option, at: at, server: &server, key: key)
            case "upgrade":
                noteHostOption(\.allowsUpgrade, boolean(), option: option, at: at, server: &server, key: key)
            case "x-sendfile":
                noteHostOption(\.allowXSendfile, boolean(), option: option, at: at, server: &server, key: key)
            case "x-sendfile-docroot":
                diagnostics.error(
                    "proxy.server \"x-sendfile-docroot\" is not supported yet", at: field.keyLocation ?? at,
                    fix: "leave it out: X-Sendfile paths are served with the block's static-file rules")
            default:
                diagnostics.error(
                    "unknown proxy.server option \"\(option)\"", at: field.keyLocation ?? at,
                    fix: DidYouMean.best(for: option, among: Self.modProxyHostOptions).map { "did you mean \"\($0)\"?" }
                        ?? "use: \(Self.modProxyHostOptions.joined(separator: ", "))")
            }
        }
        let address: BackendAddress
        switch (name, socket) {
        case (let name?, nil):
            let bare = name.hasPrefix("[") && name.hasSuffix("]") ? String(name.dropFirst().dropLast()) : name
            address = .host(name: bare, port: port)
        case (nil, let path?):
            address = .unix(path: path)
        case (.some, .some):
            diagnostics.error("proxy.server host has both \"host\" and \"socket\"", at: location, fix: "keep one of them")
            return
        case (nil, nil):
            if diagnostics.all.count == errorsBefore {
                diagnostics.error("proxy.server host needs \"host\" (and \"port\") or \"socket\"", at: location)
            }
            return
        }
        let hostHeader = label.flatMap { $0.isEmpty ? nil : $0 } ?? Self.hostHeader(for: address)
        let resolved = resolveBackend(address, named: "proxy.server host \"\(address)\"", at: location)
        server.backends += resolved
        server.hostHeaders += Array(repeating: hostHeader, count: resolved.count)
    }

    /// The backends an address stands for: every address a name resolves to (resolved now, as lighttpd does at
    /// start), or, without resolution (`explain`, tests), the address as written. A failure is reported and
    /// gives none.
    mutating func resolveBackend(_ address: BackendAddress, named name: String, at location: SourceLocation) -> [ResolvedBackend] {
        guard resolveNames else {
            return [ResolvedBackend(label: address.description, address: .unix(path: address.description))]
        }
        switch address.resolve() {
        case .success(let backends): return backends
        case .failure(let error):
            diagnostics.error("\(name): \(error)", at: location)
            return []
        }
    }

    /// The `Host` that names a backend address: the configured host with `:port` unless it is 80; nil for a
    /// unix socket.
    static func hostHeader(for address: BackendAddress) -> String? {
        switch address {
        case .host(let name, let port):
            let authority = name.contains(":") ? "[\(name)]" : name
            return port == 80 ? authority : "\(authority):\(port)"
        case .unix:
            return nil
        }
    }

    /// `proxy.header = ( "map-urlpath" => ( "/from" => "/to" ), "upgrade" => "disable", ... )`, as one value.
    private mutating func compileProxyHeader(_ setting: ConfigSetting, uriRewriteInBlock: Bool) -> ModProxyHeader {
        var header = ModProxyHeader()
        for entry in setting.value.array ?? [] {
            guard let key = entry.key else {
                diagnostics.error("proxy.header expects ( \"map-urlpath\" => ( ... ), \"upgrade\" => \"enable\", ... )", at: entry.value.location)
                continue
            }
            let at = entry.keyLocation ?? entry.value.location
            switch key {
            case "map-urlpath":
                guard let pairs = entry.value.stringPairsValue else {
                    diagnostics.error("map-urlpath expects ( \"/prefix/\" => \"/replacement/\", ... )", at: entry.value.location)
                    continue
                }
                if uriRewriteInBlock {
                    diagnostics.error(
                        "map-urlpath and proxy-core.rewrite-request \"_uri\" in one block", at: at, fix: "keep one of them")
                    continue
                }
                header.urlPathMap = compileURLPathMap(pairs)
            case "upgrade", "connect", "force-http10":
                guard let enabled = entry.value.booleanValue else {
                    diagnostics.error("proxy.header \"\(key)\" expects \"enable\" or \"disable\"", at: entry.value.location)
                    continue
                }
                if key == "upgrade" {
                    header.allowsUpgrade = enabled
                } else if enabled {
                    diagnostics.error(
                        key == "connect"
                            ? "proxy.header \"connect\": Sluice does not proxy CONNECT"
                            : "proxy.header \"force-http10\": Sluice speaks HTTP/1.1 to backends",
                        at: entry.value.location, fix: "leave it out")
                }
            case "map-host-request", "map-host-response":
                guard let pairs = entry.value.stringPairsValue else {
                    diagnostics.error("\(key) expects ( \"host\" => \"host\", \"-\" => \"-\", ... )", at: entry.value.location)
                    continue
                }
                let entries = pairs.map { HostMapEntry(key: $0.key, value: $0.value) }
                if key == "map-host-request" { header.hostMapRequest = entries } else { header.hostMapResponse = entries }
            case "https-remap":
                guard let enabled = entry.value.booleanValue else {
                    diagnostics.error("proxy.header \"https-remap\" expects \"enable\" or \"disable\"", at: entry.value.location)
                    continue
                }
                header.httpsRemap = enabled
            case "map-urlpath-resp-host-include", "map-urlpath-resp-host-exclude":
                diagnostics.error(
                    "proxy.header \"\(key)\" is not supported yet", at: at,
                    fix: "the path map applies to Location URLs on the backend's or the client's own host only")
            default:
                diagnostics.error(
                    "unknown proxy.header key \"\(key)\"", at: at,
                    fix: DidYouMean.best(for: key, among: Self.modProxyHeaderKeys).map { "did you mean \"\($0)\"?" }
                        ?? "use: \(Self.modProxyHeaderKeys.joined(separator: ", "))")
            }
        }
        return header
    }

    /// `map-urlpath` as `_uri` rules: the first key that prefixes the target is replaced by its value, the rest
    /// kept byte for byte. The response direction (Location, Content-Location, Set-Cookie Path=) is the proxy
    /// core's reverse map, given each rule's own pair of prefixes (lighttpd reverses the pair, it does not
    /// derive one from the two paths).
    private mutating func compileURLPathMap(_ pairs: [ConfigPair]) -> (rules: [RewriteRule], mappings: [PathMapping]) {
        var rules: [RewriteRule] = []
        var mappings: [PathMapping] = []
        for (number, pair) in pairs.enumerated() {
            guard pair.key.hasPrefix("/") else {
                diagnostics.error("map-urlpath keys are path prefixes starting with '/'", at: pair.keyLocation)
                continue
            }
            guard pair.value.isEmpty || pair.value.hasPrefix("/") else {
                diagnostics.error("map-urlpath values are path prefixes starting with '/' (or \"\")", at: pair.valueLocation)
                continue
            }
            guard !(pair.value.isEmpty && pair.key.hasSuffix("/")) else {
                // "/a/" => "" would send "/a/x" as "x", which is no request-target.
                diagnostics.error(
                    "map-urlpath \"\(pair.key)\" => \"\" leaves targets without their leading '/'", at: pair.valueLocation,
                    fix: "map \"\(pair.key.dropLast())\" => \"\" or \"\(pair.key)\" => \"/\"")
                continue
            }
            guard let regex = compileRegex("^" + Self.regexLiteral(pair.key) + "(.*)", at: pair.keyLocation),
                let template = try? RewriteTemplate(Self.templateLiteral(pair.value) + "$1")
            else { continue }
            rules.append(RewriteRule(regex: regex, template: template, number: number + 1, location: pair.keyLocation))
            func prefix(_ text: String) -> [UInt8] {
                var bytes = Array(text.utf8)
                if bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
                return bytes
            }
            mappings.append(PathMapping(clientPrefix: prefix(pair.key), backendPrefix: prefix(pair.value)))
        }
        return (rules, mappings)
    }

    /// `text` as a PCRE2 pattern matching exactly it: ASCII punctuation escaped.
    static func regexLiteral(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII, !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "/") {
                result.append("\\")
            }
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    /// `text` as a substitution template producing exactly it (`$` and `%` doubled).
    static func templateLiteral(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "$" || character == "%" { result.append(character) }
            result.append(character)
        }
        return result
    }

    /// A host option of one `proxy.server` key: Sluice applies it to the whole key, so its hosts must agree.
    private mutating func noteHostOption<Value: Equatable>(
        _ path: WritableKeyPath<ModProxyServer, Value?>, _ value: Value?, option: String, at location: SourceLocation,
        server: inout ModProxyServer, key: String
    ) {
        guard let value else { return }
        if let earlier = server[keyPath: path], earlier != value {
            diagnostics.error(
                "the hosts of proxy.server \"\(key)\" give different \"\(option)\"", at: location,
                fix: "Sluice applies \"\(option)\" to every host of a key: give them all the same value")
            return
        }
        server[keyPath: path] = value
    }
}
