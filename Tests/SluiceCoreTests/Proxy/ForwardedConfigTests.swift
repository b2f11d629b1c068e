import LighttpdConfig
import Testing

@testable import SluiceCore

/// `proxy.forwarded` compiles to `ForwardedParameters`, last matching block wins.
@Suite struct ForwardedConfigTests {
    static let modules = """
        server.modules = ( "mod_rewrite", "mod_proxy", "mod_proxy_core", "mod_proxy_backend_http" )

        """

    @Test func compiledAndResolved() throws {
        let loaded = SiteLoader.load(
            text: Self.modules + """
                proxy.forwarded = ( "for" => 1, "proto" => "enable", "host" => "disable" )
                $HTTP["url"] =^ "/api" {
                  proxy.forwarded = ( "for" => 1, "by" => 1, "remote_user" => 1 )
                }
                """, file: "t.conf", resolveNames: false)
        #expect(loaded.isValid, "\(loaded.diagnostics.sorted)")
        let router = RequestRouter(site: loaded.site)
        func resolved(_ target: String) -> ForwardedParameters {
            router.route(RequestFacts(method: "GET", target: Array(target.utf8), host: "h"), headers: HeaderList())
                .options.proxy.forwarded
        }
        #expect(resolved("/") == [.for, .proto])
        #expect(resolved("/api/x") == [.for, .by, .remoteUser])
    }

    @Test func unsetMeansNone() {
        let loaded = SiteLoader.load(text: Self.modules, file: "t.conf", resolveNames: false)
        let routed = RequestRouter(site: loaded.site).route(
            RequestFacts(method: "GET", target: Array("/".utf8), host: "h"), headers: HeaderList())
        #expect(routed.options.proxy.forwarded.isEmpty)
    }

    @Test func badKeysAndValuesAreErrors() {
        let loaded = SiteLoader.load(
            text: Self.modules + #"proxy.forwarded = ( "for" => "maybe", "via" => 1 )"#, file: "t.conf",
            resolveNames: false)
        let messages = loaded.diagnostics.sorted.map(\.message)
        #expect(messages.contains { $0.contains("proxy.forwarded values are") })
        #expect(messages.contains { $0.contains("proxy.forwarded keys are") })
    }

    /// Header rules see the captures of their own block's condition.
    @Test func requestOptionsFromARoutedRequest() {
        let loaded = SiteLoader.load(
            text: Self.modules + """
                $HTTP["host"] =~ "^(www)\\." {
                  proxy-core.backends = ( "127.0.0.1:3001" )
                  proxy-core.rewrite-request = ( "X-Site" => ( "(.*)" => "%1:$1" ) )
                  proxy-core.rewrite-response = ( "X-Back" => ( "(.*)" => "%1/$1" ) )
                  proxy.forwarded = ( "for" => 1 )
                }
                """, file: "t.conf", resolveNames: false)
        #expect(loaded.isValid, "\(loaded.diagnostics.sorted)")
        let routed = RequestRouter(site: loaded.site).route(
            RequestFacts(method: "GET", target: Array("/".utf8), host: "www.example.com"), headers: HeaderList())
        let options = ForwardedRequestHeaders.Options(routed, site: loaded.site)
        #expect(options.forwarded == [.for])
        let request = ForwardedRequestHeaders.build(
            [(name: "X-Site", value: "v")], method: "GET", body: .none, tunnel: false,
            context: ForwardingContext(peer: .unknown, host: "www.example.com"), options: options)
        #expect(request.contains { $0.0 == "X-Site" && $0.1 == "www:v" })
        let response = ProxiedResponseHeaders.build(
            [(name: "X-Back", value: "b")], tunnel: false, reverseMapper: nil,
            rewrites: routed.options.proxy.responseHeaderRewrites,
            rewriteContext: RewriteContext(routed, site: loaded.site,
                                           block: routed.options.proxy.responseHeaderRewritesBlock))
        #expect(response.map { $0.1 } == ["www/b"])
    }
}

/// SPEC §4's proxy-core defaults, as applied and as the key table documents them.
@Suite struct ProxyDefaultsTests {
    @Test func defaultsMatchTheSpecAndTheKeyTable() {
        let proxy = ResolvedProxy()
        let expected: [(String, Int)] = [
            ("proxy-core.max-pool-size", 64), ("proxy-core.max-keep-alive-requests", 1000),
            ("proxy-core.disable-time", 1), ("proxy-core.max-backlog-size", 1024),
            ("proxy-core.connect-timeout", 5), ("proxy-core.read-timeout", 60), ("proxy-core.write-timeout", 60),
            ("proxy-core.health-check-interval", 5),
        ]
        let applied = [
            proxy.maxPoolSize, proxy.maxKeepAliveRequests, proxy.disableTime, proxy.maxBacklogSize,
            proxy.connectTimeout, proxy.readTimeout, proxy.writeTimeout, proxy.healthCheckInterval,
        ]
        for ((key, value), actual) in zip(expected, applied) {
            #expect(actual == value, "\(key)")
            #expect(ConfigKeyTable.key(key)?.defaultText == String(value), "\(key)")
        }
        #expect(proxy.reverseMap && !proxy.allowXSendfile && proxy.balancer == .shortestQueueFirst)
        #expect(proxy.allowsUpgrade && !proxy.replacesHost)
    }
}
