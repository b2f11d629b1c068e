import NIOCore
import Testing

/// proxy-core keys whose effect only shows with real sockets: pool size and backlog, keep-alive retirement,
/// the reverse map switched off, header rules on the request, error pages for proxy failures.
@Suite struct ProxyConfigEndToEndTests {
    static func config(_ backend: Int, _ extra: String) -> String {
        """
        server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
        proxy-core.backends = ( "127.0.0.1:\(backend)" )
        \(extra)
        """
    }

    @Test func maxKeepAliveRequestsRetiresABackendConnection() async throws {
        let upstream = try await ScriptedUpstream.start(
            reply: Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8), closeAfterReply: false)
        defer { Task { await upstream.stop() } }
        try await TestSluice.with(config: Self.config(upstream.port, "proxy-core.max-keep-alive-requests = 2")) { sluice in
            for _ in 0..<4 {
                let response = try await TestHTTPClient.request(TestHTTPRequest("/x"), port: sluice.port)
                #expect(response.bodyString == "ok")
            }
        }
        // Two requests per connection.
        #expect(upstream.connections == 2)
    }

    @Test func aFullPoolQueuesUpToTheBacklogThenAnswers503() async throws {
        try await withWorker(["--delay-ms", "1500"]) { worker in
            let extra = "proxy-core.max-pool-size = 1\nproxy-core.max-backlog-size = 1"
            try await TestSluice.with(config: Self.config(worker.port, extra), threads: 2) { sluice in
                // One request holds the only connection for 1.5 s, one waits for it, the third finds no room.
                let responses = try await withThrowingTaskGroup(of: TestHTTPResponse.self) { group in
                    for _ in 0..<3 {
                        group.addTask { try await TestHTTPClient.request(TestHTTPRequest("/echo"), port: sluice.port) }
                    }
                    var all: [TestHTTPResponse] = []
                    for try await response in group { all.append(response) }
                    return all
                }
                #expect(responses.filter { $0.status == .ok }.count == 2, "\(responses.map(\.status))")
                let refused = responses.filter { $0.status == .serviceUnavailable }
                #expect(refused.count == 1)
                #expect(refused.first?.header("Retry-After") != nil)
                // Both answered requests used the one connection.
                let peers = Set(try responses.filter { $0.status == .ok }.map { try EchoReply(decoding: $0).peer })
                #expect(peers.count == 1, "\(peers)")
            }
        }
    }

    @Test func reverseMapDisabledLeavesLocationsAlone() async throws {
        try await withWorker { worker in
            let config = """
                server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
                $HTTP["url"] =^ "/app" {
                  proxy-core.backends = ( "127.0.0.1:\(worker.port)" )
                  proxy-core.rewrite-request = ( "_uri" => ( "^/app(.*)" => "$1" ) )
                  proxy-core.reverse-map = "disable"
                }
                """
            try await TestSluice.with(config: config) { sluice in
                let redirect = try await TestHTTPClient.request(
                    TestHTTPRequest("/app/redirect", headers: [("Host", "front.example")]), port: sluice.port)
                #expect(redirect.status == .found)
                #expect(redirect.header("Location")?.hasPrefix("http://127.0.0.1:\(worker.port)/") == true, "\(redirect.header("Location") ?? "")")
            }
        }
    }

    @Test func requestHeaderRulesReachTheBackend() async throws {
        try await withWorker { worker in
            let extra = "proxy-core.rewrite-request = ( \"X-App\" => ( \"^a(.*)\" => \"b$1\" ) )"
            try await TestSluice.with(config: Self.config(worker.port, extra)) { sluice in
                let response = try await TestHTTPClient.request(
                    TestHTTPRequest("/echo", headers: [("X-App", "axyz"), ("X-Other", "axyz")]), port: sluice.port)
                let echo = try EchoReply(decoding: response)
                #expect(echo.headerValues("X-App") == ["bxyz"])
                #expect(echo.headerValues("X-Other") == ["axyz"])
            }
        }
    }

    @Test func proxyFailuresUseTheErrorPages() async throws {
        let pages = try TemporaryDirectory()
        try pages.write("err-502.html", "<p>the app is restarting</p>")
        let garbage = try await ScriptedUpstream.start(reply: Array("HTTP/1.1 2x0 Nope\r\n\r\n".utf8))
        defer { Task { await garbage.stop() } }
        let extra = "server.errorfile-prefix = \"\(pages.path)/err-\""
        try await TestSluice.with(config: Self.config(garbage.port, extra)) { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/x"), port: sluice.port)
            #expect(response.status == .badGateway)
            #expect(response.bodyString == "<p>the app is restarting</p>")
        }
    }

    /// A client leaving while its backend is still working is no backend failure: nothing is logged as one.
    @Test func aClientThatLeavesIsNotABackendFailure() async throws {
        try await withWorker(["--delay-ms", "1000"]) { worker in
            let log = CapturedLog()
            try await TestSluice.with(config: Self.config(worker.port, ""), errorLog: log.logger) { sluice in
                _ = try await RawExchange.sendAndLeave("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n", port: sluice.port, after: 0)
                // Once Sluice has seen the close, whatever it logs about it has been logged.
                for _ in 0..<500 where sluice.server.openConnections > 0 {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(sluice.server.openConnections == 0)
            }
            #expect(log.messages(containing: "failed mid-response").isEmpty, "\(log.messages)")
            #expect(log.messages(containing: "worker").isEmpty && log.messages(containing: "backend 127.0.0.1").isEmpty, "\(log.messages)")
        }
    }
}
