import SluiceCore

/// Per-request costs of the proxy core's pure decisions: what the NIO handlers pay on every proxied request
/// besides I/O (header lists both ways, the `_uri` target, one pool lease/release, one request machine run).
struct ProxyBenchmark: BenchmarkScenario {
    enum Work {
        case requestHeaders
        case responseHeaders
        case backendTarget
        case poolLeaseRelease
        case requestMachine
    }

    let name: String
    let unit: String
    let defaultIterations: Int
    let work: Work

    static var all: [ProxyBenchmark] {
        [
            ProxyBenchmark(name: "proxy-request-headers", unit: "request", defaultIterations: 500_000, work: .requestHeaders),
            ProxyBenchmark(name: "proxy-response-headers", unit: "response", defaultIterations: 500_000,
                           work: .responseHeaders),
            ProxyBenchmark(name: "proxy-backend-target", unit: "request", defaultIterations: 1_000_000, work: .backendTarget),
            ProxyBenchmark(name: "proxy-pool-lease-release", unit: "request", defaultIterations: 2_000_000,
                           work: .poolLeaseRelease),
            ProxyBenchmark(name: "proxy-request-machine", unit: "request", defaultIterations: 2_000_000,
                           work: .requestMachine),
        ]
    }

    /// A browser's request headers.
    static let browserRequest: [(name: String, value: String)] = [
        ("Host", "front.example"), ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
        ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        ("Accept-Language", "en-US,en;q=0.5"), ("Accept-Encoding", "gzip, deflate, br"),
        ("Connection", "keep-alive"), ("Cookie", "session=abc123; theme=dark"), ("Upgrade-Insecure-Requests", "1"),
        ("Sec-Fetch-Dest", "document"), ("Sec-Fetch-Mode", "navigate"),
    ]

    /// An application's response headers, with a redirect and two cookies.
    static let appResponse: [(name: String, value: String)] = [
        ("Date", "Sat, 21 Nov 2026 02:00:00 GMT"), ("Server", "Werkzeug/3.0"),
        ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "189"),
        ("Location", "http://127.0.0.1:3001/welcome"), ("Set-Cookie", "session=abc; Path=/; HttpOnly"),
        ("Set-Cookie", "theme=dark; Path=/prefs"), ("Connection", "keep-alive"),
    ]

    mutating func run(iterations: Int) -> Int {
        var sink = 0
        switch work {
        case .requestHeaders:
            let context = ForwardingContext(
                peer: PeerAddress(IPAddress("192.0.2.10")), scheme: "http", host: "front.example", prefix: [])
            for _ in 0..<iterations {
                sink &+= ForwardedRequestHeaders.build(
                    Self.browserRequest, method: "GET", body: .none, tunnel: false, context: context
                ).count
            }
        case .responseHeaders:
            let mapper = ReverseMapper(
                mapping: PathMapping(clientPrefix: Array("/app".utf8)), clientScheme: "http",
                clientHost: "front.example", backend: BackendAuthority(hosts: ["127.0.0.1"], port: 3001))
            for _ in 0..<iterations {
                sink &+= ProxiedResponseHeaders.build(Self.appResponse, tunnel: false, reverseMapper: mapper).count
            }
        case .backendTarget:
            guard let rules = try? [RewriteRule](canonicalURI: ()) else { return 0 }
            let client = Array("/app/a%20b?x=1".utf8), target = Array("/proxy/app/a%20b?x=1".utf8)
            for _ in 0..<iterations {
                if let result = try? BackendTarget.resolve(
                    clientTarget: client, target: target, rules: rules, context: RewriteContext())
                {
                    sink &+= result.target.count
                }
            }
        case .poolLeaseRelease:
            var pool = UpstreamPoolStateMachine(configuration: .init())
            _ = pool.requestConnection(.init(0), on: .init(0), now: 0)
            _ = pool.connectionEstablished(.init(0), now: 0)
            _ = pool.connectionReleased(.init(0), reusable: true, now: 0)
            for index in 0..<iterations {
                let now = UInt64(index)
                if case .lease(let lease) = pool.requestConnection(.init(index), on: .init(0), now: now).request {
                    sink &+= lease.connection.rawValue
                    _ = pool.connectionReleased(lease.connection, reusable: true, now: now)
                }
            }
        case .requestMachine:
            for _ in 0..<iterations {
                var machine = ProxyRequestStateMachine(method: "GET", hasRequestBody: false)
                _ = machine.start()
                _ = machine.backendChosen(now: 0)
                _ = machine.connected(reused: true)
                _ = machine.responseHead(status: 200)
                _ = machine.responseBodyPart()
                if case .finishResponse(let reusable, _) = machine.responseEnd(reusable: true), reusable { sink &+= 1 }
            }
        }
        return sink
    }
}

extension [RewriteRule] {
    /// The canonical config's `"_uri" => ( "^/proxy(.*)" => "$1" )`, compiled the way the server does.
    init(canonicalURI: Void) throws {
        let loaded = SiteLoader.load(
            text: """
                server.modules = ( "mod_rewrite", "mod_proxy_core", "mod_proxy_backend_http" )
                $HTTP["url"] =^ "/proxy" {
                  proxy-core.backends = ( "127.0.0.1:3001" )
                  proxy-core.rewrite-request = ( "_uri" => ( "^/proxy(.*)" => "$1" ) )
                }
                """, file: "bench.conf", resolveNames: false)
        self = loaded.site.options.compactMap { $0.proxy.uriRewrite }.first ?? []
    }
}
