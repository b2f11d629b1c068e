/// One key of lighttpd 1.4's `proxy.server = ( "KEY" => ( HOST, ... ), ... )`, mapped onto the proxy core:
/// the requests it takes and the backends (with the host options) they go to.
///
/// lighttpd (`gw_check_extension`) tries the keys in config order and the first that matches wins: `""`
/// matches every request, a key starting with `/` is a prefix of the decoded path, and any other key a suffix
/// of it (an extension such as `".php"`). A request no key matches is not proxied.
public struct ModProxyServer: Sendable, Hashable {
    public enum Match: Sendable, Hashable {
        case everything
        case pathPrefix([UInt8])
        case pathSuffix([UInt8])

        public init(key: String) {
            if key.isEmpty {
                self = .everything
            } else if key.hasPrefix("/") {
                self = .pathPrefix(Array(key.utf8))
            } else {
                self = .pathSuffix(Array(key.utf8))
            }
        }

        /// Whether a request with this decoded path (no query) goes to the key's backends.
        public func matches(_ path: some Collection<UInt8>) -> Bool {
            switch self {
            case .everything: return true
            case .pathPrefix(let prefix): return path.starts(with: prefix)
            case .pathSuffix(let suffix):
                return path.count >= suffix.count && path.dropFirst(path.count - suffix.count).elementsEqual(suffix)
            }
        }
    }

    /// The key as written, for logs and `explain`.
    public var key: String
    public var match: Match
    public var backends: [ResolvedBackend]
    /// `Host` for each backend (same order) under `proxy.replace-http-host`: the host option as written, with
    /// `:port` unless it is 80; nil for a unix socket (the client's `Host` is kept).
    public var hostHeaders: [String?]
    /// Host options, set when the key's hosts give them (every host of a key the same value: Sluice applies
    /// them per key).
    public var disableTime: Int?
    public var connectTimeout: Int?
    public var readTimeout: Int?
    public var writeTimeout: Int?
    public var allowXSendfile: Bool?
    public var allowsUpgrade: Bool?

    public init(key: String, backends: [ResolvedBackend] = [], hostHeaders: [String?] = []) {
        self.key = key
        self.match = Match(key: key)
        self.backends = backends
        self.hostHeaders = hostHeaders
    }
}

/// lighttpd 1.4's `proxy.header`, one option as in lighttpd: a block that sets it replaces every part of an
/// enclosing block's (an absent part takes its default).
public struct ModProxyHeader: Sendable {
    /// `map-urlpath` as `_uri` rules, with the client ↔ backend prefixes of each (the way back is the pair's own,
    /// as lighttpd reverses it, not one derived from the two paths); nil when absent.
    public var urlPathMap: (rules: [RewriteRule], mappings: [PathMapping])?
    /// `upgrade`: WebSocket tunnels. On unless `"disable"` (lighttpd's default off is a known defect: SPEC §1).
    public var allowsUpgrade = true
    public var hostMapRequest: [HostMapEntry] = []
    public var hostMapResponse: [HostMapEntry] = []
    public var httpsRemap = false

    public init() {}
}

/// Which backend group a proxied request uses: the block that configured the backends, and for
/// `proxy.server` the index of the matching key (0 for `proxy-core.backends`).
public struct ProxyRouteKey: Sendable, Hashable, Comparable {
    public var block: Int
    public var server: Int

    public init(block: Int, server: Int = 0) {
        self.block = block
        self.server = server
    }

    public static func < (a: ProxyRouteKey, b: ProxyRouteKey) -> Bool {
        (a.block, a.server) < (b.block, b.server)
    }
}
