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
        // The backend holds every request until the test answers, so the order is certain: the first request
        // holds the only connection; of the next two, one waits in the backlog and the other finds no room.
        let upstream = try await ScriptedUpstream.start(reply: nil, closeAfterReply: false)
        defer { Task { await upstream.stop() } }
        let ok = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)
        // connect-timeout also bounds the wait in the backlog: far longer than a loaded machine needs.
        let extra = "proxy-core.max-pool-size = 1\nproxy-core.max-backlog-size = 1\nproxy-core.connect-timeout = 30"
        try await TestSluice.with(config: Self.config(upstream.port, extra), threads: 2) { sluice in
            let port = sluice.port
            try await withThrowingTaskGroup(of: TestHTTPResponse.self) { group in
                group.addTask { try await TestHTTPClient.request(TestHTTPRequest("/x"), port: port, timeout: .seconds(60)) }
                let holding = try await eventually(within: .seconds(30)) { upstream.waiting == 1 }
                #expect(holding, "the first request never reached the backend")
                for _ in 0..<2 {
                    group.addTask { try await TestHTTPClient.request(TestHTTPRequest("/x"), port: port, timeout: .seconds(60)) }
                }
                // Nothing can be answered before the held request is: the first answer is the refusal.
                let refused = try await group.next()
                #expect(refused?.status == .serviceUnavailable, "\(String(describing: refused?.status))")
                #expect(refused?.header("Retry-After") != nil)
                // Later requests are answered at once; then the held one is, which frees the connection for the
                // one in the backlog.
                upstream.setReply(ok)
                upstream.answerWaiting(with: ok)
                var answered: [TestHTTPResponse] = []
                for try await response in group { answered.append(response) }
                #expect(answered.map(\.status) == [.ok, .ok])
                #expect(answered.allSatisfy { $0.bodyString == "ok" })
            }
        }
        // Both answered requests used the one connection.
        #expect(upstream.connections == 1)
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
        // The backend holds the request, so the client certainly leaves while it is still being worked on.
        let upstream = try await ScriptedUpstream.start(reply: nil)
        defer { Task { await upstream.stop() } }
        let log = CapturedLog()
        try await TestSluice.with(config: Self.config(upstream.port, ""), errorLog: log.logger) { sluice in
            try await TestHTTPClient.withConnection(port: sluice.port, timeout: .seconds(60)) { connection in
                try await connection.send(TestHTTPRequest("/echo"))
                let forwarded = try await eventually(within: .seconds(30)) { upstream.waiting == 1 }
                #expect(forwarded, "the request never reached the backend")
            }  // The client leaves here.
            // Sluice certainly accepted the connection (it forwarded the request); once it has seen the close,
            // whatever it logs about it has been logged. The bound only stops a hang.
            let closed = try await eventually(within: .seconds(30), every: .milliseconds(20)) {
                sluice.server.openConnections == 0
            }
            #expect(closed)
        }
        #expect(log.messages(containing: "failed mid-response").isEmpty, "\(log.messages)")
        #expect(log.messages(containing: "backend 127.0.0.1").isEmpty, "\(log.messages)")
    }
}
