import NIOCore
import Testing

/// A lighttpd 1.4 `mod_proxy` config against real `sluice-worker`s: `proxy.server` with `map-urlpath` and
/// `proxy.balance`, the reverse map, `proxy.replace-http-host`, upgrades only when `proxy.header` asks, and
/// pooled backend connections where lighttpd 1.4 opened one per request.
@Suite struct ModProxyEndToEndTests {
    static func config(ports: [Int], header: String = "\"map-urlpath\" => ( \"/app/\" => \"/\" )", extra: String = "")
        -> String
    {
        let hosts = ports.map { "( \"host\" => \"127.0.0.1\", \"port\" => \($0) )" }.joined(separator: ", ")
        return """
            server.modules = ( "mod_proxy" )
            $HTTP["url"] =^ "/app/" {
              proxy.server = ( "" => ( \(hosts) ) )
              proxy.balance = "round-robin"
              proxy.header = ( \(header) )
              \(extra)
            }
            """
    }

    @Test func mapURLPathBalanceAndReverseMap() async throws {
        try await withWorkers(2) { workers in
            try await TestSluice.with(config: Self.config(ports: workers.map(\.port))) { sluice in
                var served: [String] = []
                for _ in 0..<4 {
                    let response = try await TestHTTPClient.request(
                        TestHTTPRequest("/app/echo?x=%20", headers: [("Host", "front.example")]), port: sluice.port)
                    #expect(response.status == .ok)
                    let echo = try EchoReply(decoding: response)
                    #expect(echo.target == "/echo?x=%20")
                    #expect(echo.headerValues("Host") == ["front.example"])
                    #expect(echo.headerValues("X-Forwarded-Prefix") == ["/app"])
                    served.append(echo.worker)
                }
                // round-robin: a true rotation over the two.
                #expect(Set(served).count == 2 && served[0] != served[1] && served[0] == served[2])
                let redirect = try await TestHTTPClient.request(
                    TestHTTPRequest("/app/redirect", headers: [("Host", "front.example")]), port: sluice.port)
                #expect(redirect.header("Location") == "http://front.example/app/welcome")
                let cookie = try await TestHTTPClient.request(TestHTTPRequest("/app/cookie"), port: sluice.port)
                #expect(cookie.header("Set-Cookie")?.hasSuffix("Path=/app/") == true)
                // Outside the block: not proxied (a static 404 here).
                let outside = try await TestHTTPClient.request(TestHTTPRequest("/elsewhere"), port: sluice.port)
                #expect(outside.status == .notFound)
            }
        }
    }

    @Test func replaceHTTPHostSendsTheBackendsOwnAuthority() async throws {
        try await withWorker { worker in
            let config = Self.config(ports: [worker.port], extra: "proxy.replace-http-host = \"enable\"")
            try await TestSluice.with(config: config) { sluice in
                let response = try await TestHTTPClient.request(
                    TestHTTPRequest("/app/echo", headers: [("Host", "front.example")]), port: sluice.port)
                let echo = try EchoReply(decoding: response)
                #expect(echo.headerValues("Host") == ["127.0.0.1:\(worker.port)"])
                #expect(echo.headerValues("X-Forwarded-Host") == ["front.example"])
            }
        }
    }

    @Test func hostMapsRewriteTheBackendsHostAndMapItBack() async throws {
        let header = """
            "map-urlpath" => ( "/app/" => "/" ), "map-host-request" => ( "-" => "int.example:8080" ),
            "map-host-response" => ( "-" => "-" )
            """
        try await withWorker { worker in
            try await TestSluice.with(config: Self.config(ports: [worker.port], header: header)) { sluice in
                let response = try await TestHTTPClient.request(
                    TestHTTPRequest("/app/echo", headers: [("Host", "front.example")]), port: sluice.port)
                let echo = try EchoReply(decoding: response)
                #expect(echo.headerValues("Host") == ["int.example:8080"])
                #expect(echo.headerValues("X-Forwarded-Host") == ["front.example"])
            }
        }
        let upstream = try await ScriptedUpstream.start(
            reply: Array(("HTTP/1.1 302 Found\r\nLocation: http://int.example:8080/welcome\r\n"
                + "Set-Cookie: s=1; Domain=int.example; Path=/\r\nContent-Length: 0\r\n\r\n").utf8),
            closeAfterReply: false)
        try await TestSluice.with(config: Self.config(ports: [upstream.port], header: header)) { sluice in
            let redirect = try await TestHTTPClient.request(
                TestHTTPRequest("/app/login", headers: [("Host", "front.example")]), port: sluice.port)
            #expect(redirect.status == .found)
            #expect(redirect.header("Location") == "http://front.example/app/welcome")
            #expect(redirect.header("Set-Cookie") == "s=1; Domain=front.example; Path=/app/")
        }
        await upstream.stop()
    }

    @Test func upgradesAreTunnelledUnlessProxyHeaderDisablesThem() async throws {
        try await withWorker { worker in
            let upgradeHeaders = [
                ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "13"),
                ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ]
            // "upgrade" => "disable": the request goes on as a plain one, without Upgrade.
            let disabled = Self.config(
                ports: [worker.port], header: "\"map-urlpath\" => ( \"/app/\" => \"/\" ), \"upgrade\" => \"disable\"")
            try await TestSluice.with(config: disabled) { sluice in
                let response = try await TestHTTPClient.request(
                    TestHTTPRequest("/app/echo", headers: upgradeHeaders), port: sluice.port)
                #expect(response.status == .ok)
                let echo = try EchoReply(decoding: response)
                #expect(echo.headerValues("Upgrade").isEmpty)
            }
            // The default tunnels (lighttpd 1.4 needs "upgrade" => "enable"; SPEC §1 does not copy that).
            try await TestSluice.with(config: Self.config(ports: [worker.port])) { sluice in
                let echoed = try await TestWebSocketClient.withConnection(port: sluice.port, target: "/app/ws") { socket in
                    try await socket.sendMessage(.text, ByteBuffer(string: "over lighttpd 1.4 syntax"), fragmentSize: 8)
                    let reply = try await socket.receiveMessage()
                    _ = try await socket.close()
                    return String(buffer: reply.data)
                }
                #expect(echoed == "over lighttpd 1.4 syntax")
            }
        }
    }

    @Test func backendConnectionsArePooled() async throws {
        let upstream = try await ScriptedUpstream.start(
            reply: Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8), closeAfterReply: false)
        let config = Self.config(ports: [upstream.port])
        try await TestSluice.with(config: config) { sluice in
            for _ in 0..<5 {
                let response = try await TestHTTPClient.request(TestHTTPRequest("/app/x"), port: sluice.port)
                #expect(response.bodyString == "ok")
            }
        }
        // lighttpd 1.4 opened five.
        #expect(upstream.connections == 1)
        await upstream.stop()
    }
}
