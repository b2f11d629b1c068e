import LighttpdConfig
import Testing

@testable import SluiceCore

/// lighttpd 1.4's `proxy.*` keys mapped onto the proxy core: what each form compiles to, which key a
/// request takes, what the backend receives, and every refusal with its location.
@Suite struct ModProxyTests {
    static let head = "server.modules = ( \"mod_proxy\" )\n"

    static func load(_ config: String) -> SiteLoader.Result {
        SiteLoader.load(text: head + config, file: "t.conf", resolveNames: false)
    }

    static func errors(_ config: String) -> [String] {
        load(config).diagnostics.sorted.map(\.description)
    }

    /// Routes `target` through `config`; returns the chosen proxy options (nil: not proxied) and the backend's
    /// target.
    static func route(_ config: String, _ target: String) throws -> (proxy: ResolvedProxy, backendTarget: String)? {
        let loaded = load(config)
        #expect(loaded.isValid, "\(loaded.diagnostics.sorted)")
        let routed = RequestRouter(site: loaded.site).route(
            RequestFacts(method: "GET", target: bytes(target), host: "front.example"), headers: HeaderList())
        guard routed.options.proxy.backends != nil else { return nil }
        return (routed.options.proxy, text(try BackendTarget.resolve(routed, site: loaded.site).target))
    }

    @Test func everyHostFormCompiles() throws {
        let loaded = Self.load("""
            proxy.server = ( "" => (
                ( "host" => "127.0.0.1", "port" => 3001 ),
                "labelled" => ( "host" => "::1", "port" => 3002 ),
                ( "host" => "app.internal" ),
                ( "socket" => "/run/app.sock" ) ) )
            """)
        #expect(loaded.isValid, "\(loaded.diagnostics.sorted)")
        let server = try #require(loaded.site.options[0].proxy.servers?.first)
        #expect(server.match == .everything)
        #expect(server.backends.map(\.label) == ["127.0.0.1:3001", "[::1]:3002", "app.internal:80", "unix:/run/app.sock"])
        // A labelled host's label is its Host under proxy.replace-http-host (lighttpd's host->id).
        #expect(server.hostHeaders == ["127.0.0.1:3001", "labelled", "app.internal", nil])
        // No proxy.header: upgrades stay on (lighttpd's default off is a defect SPEC §1 does not copy).
        #expect(loaded.site.options[0].proxy.header == nil)
    }

    @Test func theFirstMatchingKeyWinsAndNoMatchIsNotProxied() throws {
        let config = """
            proxy.server = ( "/api" => ( ( "host" => "127.0.0.1", "port" => 3001, "connect-timeout" => 2 ) ),
                             ".php" => ( ( "host" => "127.0.0.1", "port" => 3002 ) ),
                             "/api/v2" => ( ( "host" => "127.0.0.1", "port" => 3003 ) ) )
            """
        let api = try #require(try Self.route(config, "/api/v2/x"))
        #expect(api.proxy.backends?.map(\.label) == ["127.0.0.1:3001"])
        #expect(api.proxy.routeKey == ProxyRouteKey(block: 0, server: 0))
        #expect(api.proxy.connectTimeout == 2)
        let php = try #require(try Self.route(config, "/site/index.php?x=1"))
        #expect(php.proxy.backends?.map(\.label) == ["127.0.0.1:3002"])
        #expect(php.proxy.routeKey == ProxyRouteKey(block: 0, server: 1))
        // The key's host options do not leak into the other keys.
        #expect(php.proxy.connectTimeout == 5)
        // Keys match the decoded path: %2E is '.'.
        #expect(try Self.route(config, "/site/index%2Ephp")?.proxy.routeKey?.server == 1)
        #expect(try Self.route(config, "/other") == nil)
        #expect(try Self.route(config, "/ap") == nil)
    }

    @Test func mapURLPathRewritesTheTargetAndBalanceNamesThePolicy() throws {
        let config = """
            $HTTP["url"] =^ "/app/" {
              proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => 3001 ), ( "host" => "127.0.0.1", "port" => 3002 ) ) )
              proxy.balance = "round-robin"
              proxy.header = ( "map-urlpath" => ( "/app/$x/" => "/$%/", "/app/" => "/" ), "upgrade" => "enable" )
              proxy.replace-http-host = "enable"
            }
            """
        let routed = try #require(try Self.route(config, "/app/a%20b?q=1"))
        #expect(routed.backendTarget == "/a%20b?q=1")
        #expect(routed.proxy.balancer == .roundRobin)
        #expect(routed.proxy.allowsUpgrade)
        #expect(routed.proxy.replacesHost)
        #expect(routed.proxy.backendHostHeaders == ["127.0.0.1:3001", "127.0.0.1:3002"])
        // Keys and values are literal: '$' and '%' are no pattern or substitution syntax.
        #expect(try Self.route(config, "/app/$x/y")?.backendTarget == "/$%/y")
        // "/app" alone is no prefix of "/app/": it is not proxied here, and sent as is where it is.
        #expect(try Self.route(config, "/app") == nil)
        for (name, kind) in [("fair", BalancerKind.shortestQueueFirst), ("least-connection", .shortestQueueFirst),
                             ("hash", .urlHash), ("sticky", .sticky)] {
            let balanced = "proxy.server = ( \"\" => ( ( \"host\" => \"127.0.0.1\" ) ) )\nproxy.balance = \"\(name)\""
            #expect(try Self.route(balanced, "/x")?.proxy.balancer == kind, "\(name)")
        }
    }

    @Test func refusalsAreLocated() {
        let host = "( \"host\" => \"127.0.0.1\", \"port\" => 3001 )"
        let cases: [(String, String)] = [
            ("proxy.server = ( \"\" => ( ( \"hots\" => \"127.0.0.1\" ) ) )",
             "t.conf:2:28: error: unknown proxy.server option \"hots\"; did you mean \"host\"?"),
            ("proxy.server = ( \"\" => ( ( \"port\" => 3001 ) ) )",
             "t.conf:2:26: error: proxy.server host needs \"host\" (and \"port\") or \"socket\""),
            ("proxy.server = ( \"\" => ( ( \"host\" => \"a\", \"socket\" => \"/s\" ) ) )",
             "t.conf:2:26: error: proxy.server host has both \"host\" and \"socket\"; keep one of them"),
            ("proxy.server = ( \"\" => ( ( \"host\" => \"a\", \"port\" => 70000 ) ) )",
             "t.conf:2:53: error: proxy.server \"port\" must be an integer between 1 and 65535"),
            ("proxy.server = ( \"\" => ( ( \"socket\" => \"run/s\" ) ) )",
             "t.conf:2:40: error: proxy.server \"socket\" expects an absolute path"),
            ("proxy.server = ( \"\" => ( ( \"host\" => \"a\", \"read-timeout\" => 5 ), ( \"host\" => \"b\", \"read-timeout\" => 6 ) ) )",
             "t.conf:2:101: error: the hosts of proxy.server \"\" give different \"read-timeout\"; Sluice applies \"read-timeout\" to every host of a key: give them all the same value"),
            ("proxy.server = ( \"\" => ( ) )", "t.conf:2:24: error: proxy.server \"\" has no hosts"),
            ("proxy.server = ( \"\" => ( \(host) ) )\nproxy.balance = \"fare\"",
             "t.conf:3:17: error: unknown proxy.balance \"fare\"; did you mean \"fair\"?"),
            ("proxy.server = ( \"\" => ( \(host) ) )\nproxy.header = ( \"map-host-request\" => \"x\" )",
             "t.conf:3:40: error: map-host-request expects ( \"host\" => \"host\", \"-\" => \"-\", ... )"),
            ("proxy.server = ( \"\" => ( \(host) ) )\nproxy.header = ( \"map-urlpath-resp-host-include\" => ( \"a\" ) )",
             "t.conf:3:18: error: proxy.header \"map-urlpath-resp-host-include\" is not supported yet; the path map applies to Location URLs on the backend's or the client's own host only"),
            ("proxy.server = ( \"\" => ( \(host) ) )\nproxy.header = ( \"force-http10\" => \"enable\" )",
             "t.conf:3:36: error: proxy.header \"force-http10\": Sluice speaks HTTP/1.1 to backends; leave it out"),
            ("proxy.server = ( \"\" => ( \(host) ) )\nproxy.header = ( \"upgrades\" => \"enable\" )",
             "t.conf:3:18: error: unknown proxy.header key \"upgrades\"; did you mean \"upgrade\"?"),
            ("proxy.server = ( \"\" => ( \(host) ) )\nproxy.header = ( \"map-urlpath\" => ( \"app/\" => \"/\" ) )",
             "t.conf:3:37: error: map-urlpath keys are path prefixes starting with '/'"),
            ("proxy.server = ( \"\" => ( \(host) ) )\nproxy.header = ( \"map-urlpath\" => ( \"/a/\" => \"\" ) )",
             "t.conf:3:46: error: map-urlpath \"/a/\" => \"\" leaves targets without their leading '/'; map \"/a\" => \"\" or \"/a/\" => \"/\""),
            ("proxy.server = ( \"\" => ( \(host) ) )\nproxy.header = ( \"map-urlpath\" => ( \"/app/\" => \"v2/\" ) )",
             "t.conf:3:48: error: map-urlpath values are path prefixes starting with '/' (or \"\")"),
        ]
        for (config, expected) in cases {
            #expect(Self.errors(config) == [expected], "\(config)")
        }
        // Disabled connect and force-http10 are lighttpd's defaults: accepted.
        #expect(Self.errors("proxy.server = ( \"\" => ( \(host) ) )\nproxy.header = ( \"connect\" => \"disable\", \"force-http10\" => 0 )").isEmpty)
    }

    @Test func hostMapsCompile() throws {
        let routed = try #require(try Self.route("""
            proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => 3001 ) ) )
            proxy.header = ( "map-host-request" => ( "-" => "int.example:8080" ),
                             "map-host-response" => ( "-" => "-" ), "https-remap" => "enable" )
            """, "/x"))
        #expect(routed.proxy.hostMapRequest == [HostMapEntry(key: "-", value: "int.example:8080")])
        #expect(routed.proxy.hostMapResponse == [HostMapEntry(key: "-", value: "-")])
        #expect(routed.proxy.httpsRemap)
    }

    @Test func proxyHeaderIsOneOptionAndUpgradesStayOnUnlessDisabled() throws {
        let config = """
            proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => 3001 ) ) )
            proxy.header = ( "map-urlpath" => ( "/app/" => "/" ), "upgrade" => "disable" )
            $HTTP["url"] =^ "/app/inner/" {
              proxy.header = ( "map-host-request" => ( "-" => "int.example" ) )
            }
            $HTTP["url"] =^ "/app/server/" {
              proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => 3002 ) ) )
            }
            """
        let outer = try #require(try Self.route(config, "/app/x"))
        #expect(outer.backendTarget == "/x" && !outer.proxy.allowsUpgrade)
        // The inner proxy.header replaces the outer one whole: no map-urlpath, upgrades back to on.
        let inner = try #require(try Self.route(config, "/app/inner/x"))
        #expect(inner.backendTarget == "/app/inner/x")
        #expect(inner.proxy.allowsUpgrade)
        #expect(inner.proxy.hostMapRequest == [HostMapEntry(key: "-", value: "int.example")])
        // A block setting only proxy.server keeps the enclosing proxy.header.
        let server = try #require(try Self.route(config, "/app/server/x"))
        #expect(server.backendTarget == "/server/x" && !server.proxy.allowsUpgrade)
        #expect(server.proxy.backends?.map(\.label) == ["127.0.0.1:3002"])
        // A host's own "upgrade" => "disable" too.
        let hostOption = "proxy.server = ( \"\" => ( ( \"host\" => \"127.0.0.1\", \"upgrade\" => \"disable\" ) ) )"
        #expect(try Self.route(hostOption, "/x")?.proxy.allowsUpgrade == false)
        #expect(try Self.route("proxy.server = ( \"\" => ( ( \"host\" => \"127.0.0.1\" ) ) )", "/x")?.proxy.allowsUpgrade == true)
    }

    @Test func mapURLPathMapsBackByItsOwnPair() throws {
        let config = """
            proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => 3001 ) ) )
            proxy.header = ( "map-urlpath" => ( "/api/v1/" => "/v1/", "/old" => "" ) )
            """
        let loaded = Self.load(config)
        let router = RequestRouter(site: loaded.site)
        func target(_ path: String) throws -> BackendTarget {
            try BackendTarget.resolve(
                router.route(RequestFacts(method: "GET", target: bytes(path), host: "f"), headers: HeaderList()),
                site: loaded.site)
        }
        let versioned = try target("/api/v1/users")
        #expect(text(versioned.target) == "/v1/users")
        let mapper = ReverseMapper(mapping: versioned.mapping, clientScheme: "http", clientHost: "f", backend: nil)
        // As lighttpd reverses the pair: only paths under the value map back.
        #expect(mapper.mapLocation("/v1/x") == "/api/v1/x")
        #expect(mapper.mapLocation("/login") == nil)
        #expect(mapper.mapSetCookie("a=1; Path=/") == nil)
        // A prefix mapped to "" leaves the root: "/old" alone goes as "/".
        #expect(text(try target("/old").target) == "/")
        #expect(text(try target("/old/a?b").target) == "/a?b")
    }

    @Test func emptyProxyServerProxiesNothingAndProxyCoreBackendsGetHostsToo() throws {
        let config = """
            server.modules += ( "mod_proxy_core", "mod_proxy_backend_http" )
            proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => 3001 ) ) )
            proxy.replace-http-host = "enable"
            $HTTP["url"] =^ "/files/" { proxy.server = ( ) }
            $HTTP["url"] =^ "/core/" { proxy-core.backends = ( "127.0.0.1:3002", "app.internal" ) }
            """
        #expect(try Self.route(config, "/files/a") == nil)
        let core = try #require(try Self.route(config, "/core/a"))
        #expect(core.proxy.replacesHost)
        #expect(core.proxy.backendHostHeaders == ["127.0.0.1:3002", "app.internal"])
    }

    @Test func mixingTheTwoFamiliesInOneBlockIsRefused() {
        let errors = Self.errors("""
            server.modules += ( "mod_proxy_core", "mod_proxy_backend_http" )
            proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => 3001 ) ) )
            proxy-core.backends = ( "127.0.0.1:3002" )
            """)
        #expect(errors == ["t.conf:4:1: error: proxy.server and proxy-core.backends in one block; keep one of them"])
    }

    @Test func aLaterBlocksBackendsReplaceProxyServer() throws {
        let config = """
            server.modules += ( "mod_proxy_core", "mod_proxy_backend_http" )
            proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => 3001 ) ) )
            $HTTP["url"] =^ "/core" { proxy-core.backends = ( "127.0.0.1:3002" ) }
            """
        #expect(try Self.route(config, "/x")?.proxy.backends?.map(\.label) == ["127.0.0.1:3001"])
        let core = try #require(try Self.route(config, "/core/x"))
        #expect(core.proxy.backends?.map(\.label) == ["127.0.0.1:3002"])
        #expect(core.proxy.servers == nil)
        #expect(core.proxy.allowsUpgrade)
    }

    @Test(arguments: [("/app/", "/app/"), ("/a.b+c/", "/a\\.b\\+c/"), ("/x$y(z)", "/x\\$y\\(z\\)"), ("/é/", "/é/")])
    func regexLiteralsMatchOnlyThemselves(_ text: String, _ pattern: String) throws {
        #expect(SiteCompiler.regexLiteral(text) == pattern)
        let regex = try CompiledRegex("^" + SiteCompiler.regexLiteral(text) + "$")
        #expect(Array(text.utf8).withUnsafeBufferPointer { regex.matches($0) })
    }
}
