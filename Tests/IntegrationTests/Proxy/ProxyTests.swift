import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket
import Testing

/// The proxy core over real sockets, against real `sluice-worker` processes and scripted upstreams.
@Suite(.serialized) struct ProxyTests {
    /// A config like etc/sluice.conf (rewrite to /proxy, strip it) over `ports`, plus an /app mount.
    static func config(ports: [Int], balancer: String = "sqf", extra: String = "") -> String {
        let backends = ports.map { "\"127.0.0.1:\($0)\"" }.joined(separator: ", ")
        return """
            server.modules = ( "mod_rewrite", "mod_proxy_core", "mod_proxy_backend_http" )
            url.rewrite-once = ( "^/app(.*)" => "$0", "(.*)" => "/proxy$1" )
            $HTTP["url"] =^ "/proxy" {
              proxy-core.balancer = "\(balancer)"
              proxy-core.backends = ( \(backends) )
              proxy-core.rewrite-request = ( "_uri" => ( "^/proxy(.*)" => "$1" ) )
              \(extra)
            }
            $HTTP["url"] =^ "/app" {
              proxy-core.backends = ( \(backends) )
              proxy-core.rewrite-request = ( "_uri" => ( "^/app(.*)" => "$1" ) )
              \(extra)
            }
            """
    }

    @Test func forwardsWithHeadersAndWithoutTheInternalPrefix() async throws {
        try await withWorker { worker in
            try await TestSluice.with(config: Self.config(ports: [worker.port])) { sluice in
                let response = try await TestHTTPClient.request(
                    TestHTTPRequest("/echo/a%20b%2Fc?q=%26", headers: [("X-Forwarded-For", "203.0.113.7"), ("Proxy", "evil")]),
                    port: sluice.port)
                #expect(response.status == .ok)
                let echo = try EchoReply(decoding: response)
                #expect(echo.target == "/echo/a%20b%2Fc?q=%26")
                #expect(echo.headerValues("X-Forwarded-For") == ["203.0.113.7, 127.0.0.1"])
                #expect(echo.headerValues("X-Forwarded-Host") == ["127.0.0.1:\(sluice.port)"])
                #expect(echo.headerValues("X-Forwarded-Proto") == ["http"])
                #expect(echo.headerValues("X-Forwarded-Prefix").isEmpty)
                #expect(echo.headerValues("Proxy").isEmpty)
                #expect(echo.headerValues("Host") == ["127.0.0.1:\(sluice.port)"])
                let mounted = try EchoReply(decoding: try await TestHTTPClient.request(TestHTTPRequest("/app/echo"), port: sluice.port))
                #expect(mounted.target == "/echo")
                #expect(mounted.headerValues("X-Forwarded-Prefix") == ["/app"])
                // `/app` alone reaches the backend as `/` (the worker's hello page), never an empty target.
                let root = try await TestHTTPClient.request(TestHTTPRequest("/app?x=1"), port: sluice.port)
                #expect(root.status == .ok && root.bodyString.hasPrefix("hello from"))
            }
        }
    }

    @Test func keepAliveConnectionsAreReused() async throws {
        try await withWorker { worker in
            try await TestSluice.with(config: Self.config(ports: [worker.port])) { sluice in
                var peers = Set<String>()
                for _ in 0..<10 {
                    let echo = try EchoReply(decoding: try await TestHTTPClient.request(TestHTTPRequest("/echo"), port: sluice.port))
                    peers.insert(echo.peer)
                }
                // Ten sequential requests ride one upstream connection (the worker saw one peer port).
                #expect(peers.count == 1)
            }
        }
    }

    @Test func uploadsStreamSizedAndChunked() async throws {
        try await withWorker { worker in
            try await TestSluice.with(config: Self.config(ports: [worker.port])) { sluice in
                var bytes = [UInt8](repeating: 0, count: 5 * 1024 * 1024)
                for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
                let digest = TestDigest.fnv1a64(bytes)
                let sized = try await TestHTTPClient.request(
                    TestHTTPRequest(.POST, "/echo", body: ByteBuffer(bytes: bytes)), port: sluice.port)
                let sizedEcho = try EchoReply(decoding: sized)
                #expect(sizedEcho.bodyLength == bytes.count && sizedEcho.bodyFNV1a64 == digest)
                let chunked = try await TestHTTPClient.uploadChunked(bytes, uri: "/echo", port: sluice.port, expectContinue: true)
                // Sluice asked for the body itself: the backend never sees Expect.
                #expect(chunked.informational.map(\.status) == [.continue])
                let chunkedEcho = try EchoReply(decoding: chunked)
                #expect(chunkedEcho.bodyLength == bytes.count && chunkedEcho.bodyFNV1a64 == digest)
            }
        }
    }

    @Test func serverSentEventsArriveAsSeparateChunks() async throws {
        // Flushed one by one, not buffered into one body. The backend holds the request and sends one event at a
        // time: the head with event 1, then each next event only once the test has read the one before through
        // Sluice. An event can only arrive if Sluice passed it on alone (buffering Sluice would leave the read
        // waiting until the client's deadline); nothing depends on timing.
        let upstream = try await ScriptedUpstream.start(reply: nil)
        defer { Task { await upstream.stop() } }
        func event(_ number: Int) -> String { "data: \(number)\n\n" }
        func chunk(_ text: String) -> [UInt8] { Array((String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n").utf8) }
        try await TestSluice.with(config: Self.config(ports: [upstream.port])) { sluice in
            try await TestHTTPClient.withConnection(port: sluice.port, timeout: .seconds(60)) { connection in
                try await connection.send(TestHTTPRequest("/sse"))
                let forwarded = try await eventually(within: .seconds(30)) { upstream.waiting == 1 }
                try #require(forwarded, "the request never reached the backend")
                upstream.write(
                    Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
                        + chunk(event(1)))
                let head = try await connection.readResponseHead()
                #expect(head.status == .ok)
                var text = ""
                for number in 1...4 {
                    if number > 1 { upstream.write(chunk(event(number))) }
                    // Reads until this event is through; the backend has sent nothing after it.
                    var received = ""
                    while !received.hasSuffix(event(number)) {
                        guard let part = try await connection.readBodyChunk() else {
                            Issue.record("the body ended before event \(number): \(text + received)")
                            return
                        }
                        received += String(buffer: part.data)
                    }
                    #expect(received == event(number))
                    text += received
                }
                upstream.answerWaiting(with: Array("0\r\n\r\n".utf8))
                let afterTheEnd = try await connection.readBodyChunk().map { String(buffer: $0.data) }
                #expect(afterTheEnd == nil)
                #expect(text == "data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n")
            }
        }
    }

    @Test func redirectsAndCookiesAreMappedBackUnderTheMount() async throws {
        try await withWorker { worker in
            try await TestSluice.with(config: Self.config(ports: [worker.port])) { sluice in
                let redirect = try await TestHTTPClient.request(
                    TestHTTPRequest("/app/redirect", headers: [("Host", "front.example")]), port: sluice.port)
                #expect(redirect.status == .found)
                #expect(redirect.header("Location") == "http://front.example/app/welcome")
                let canonical = try await TestHTTPClient.request(
                    TestHTTPRequest("/redirect", headers: [("Host", "front.example")]), port: sluice.port)
                #expect(canonical.header("Location") == "http://front.example/welcome")
                let cookie = try await TestHTTPClient.request(TestHTTPRequest("/app/cookie"), port: sluice.port)
                #expect(cookie.header("Set-Cookie")?.hasSuffix("Path=/app/") == true)
            }
        }
    }

    @Test func webSocketEchoThroughTheProxyWithPlainHTTPAlongside() async throws {
        try await withWorker { worker in
            let config = Self.config(ports: [worker.port], extra: "proxy-core.connect-timeout = 30")
            try await TestSluice.with(config: config) { sluice in
                var message = ByteBuffer()
                message.writeBytes((0..<(1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 * 7) })
                let echoed = try await TestWebSocketClient.withConnection(
                    port: sluice.port, target: "/ws", timeout: .seconds(60)
                ) { socket in
                    try await socket.sendMessage(.binary, message, fragmentSize: 64 * 1024)
                    let reply = try await socket.receiveMessage()
                    _ = try await socket.close()
                    return reply.data
                }
                #expect(echoed == message)
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    // 200 WebSockets and 200 plain requests under one prefix, all at once. The plain ones share the
                    // pool and wait in its backlog (bounded by connect-timeout, raised in this config): on a loaded
                    // machine that takes a while, so the clients' deadlines (which only stop a hang) are long.
                    for i in 0..<400 {
                        group.addTask {
                            if i % 2 == 0 {
                                return try await TestWebSocketClient.withConnection(
                                    port: sluice.port, target: "/ws", timeout: .seconds(60)
                                ) { socket in
                                    try await socket.sendMessage(.text, ByteBuffer(string: "m\(i)"), fragmentSize: 100)
                                    let reply = try await socket.receiveMessage()
                                    _ = try await socket.close()
                                    return String(buffer: reply.data) == "m\(i)"
                                }
                            }
                            let echo = try EchoReply(
                                decoding: try await TestHTTPClient.request(
                                    TestHTTPRequest("/echo/\(i)"), port: sluice.port, timeout: .seconds(60)))
                            return echo.target == "/echo/\(i)"
                        }
                    }
                    var wrong = 0
                    for try await ok in group where !ok { wrong += 1 }
                    #expect(wrong == 0)
                }
            }
        }
    }

    @Test func refusedBackendIsSkippedAndAllDownIs503() async throws {
        // Bound but never listening: connections are refused, and no parallel test can take the port.
        let dead = try RefusingPort()
        let deadPort = dead.port
        try await withWorker { worker in
            let log = CapturedLog()
            let config = Self.config(ports: [deadPort, worker.port], balancer: "round-robin", extra: "proxy-core.disable-time = 30")
            try await TestSluice.with(config: config, errorLog: log.logger) { sluice in
                for _ in 0..<4 {
                    let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: sluice.port)
                    #expect(response.status == .ok)
                }
            }
            // Round-robin would send requests 1 and 3 to the dead backend; refused once, it is skipped for
            // disable-time, so there is exactly one refusal, logged once with the backend and the cause.
            let refusals = log.messages(containing: "backend 127.0.0.1:\(deadPort): connect failed")
            #expect(refusals.count == 1, "\(log.messages)")
            #expect(refusals.allSatisfy { $0.contains("skipped for 30 s") }, "\(refusals)")
        }
        try await TestSluice.with(config: Self.config(ports: [deadPort], extra: "proxy-core.connect-timeout = 1")) { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: sluice.port)
            #expect(response.status == .serviceUnavailable)
            #expect(response.header("Retry-After") != nil)
        }
        withExtendedLifetime(dead) {}
    }

    /// Each failure answers with its status and is logged once, with the backend and the cause.
    @Test func malformedResponsesAre502AndSilenceIs504() async throws {
        let garbage = try await ScriptedUpstream.start(reply: Array("HTTP/1.1 2x0 Nope\r\n\r\n".utf8))
        let log = CapturedLog()
        try await TestSluice.with(config: Self.config(ports: [garbage.port]), errorLog: log.logger) { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: sluice.port)
            #expect(response.status == .badGateway)
        }
        let malformed = log.messages(containing: "malformed response")
        #expect(malformed.count == 1, "\(log.messages)")
        #expect(malformed.first?.contains("GET /: 502 ") == true && malformed.first?.contains("(backend 127.0.0.1:\(garbage.port): malformed response: ") == true, "\(malformed)")
        await garbage.stop()
        let silent = try await ScriptedUpstream.start(reply: nil)
        let silentLog = CapturedLog()
        try await TestSluice.with(config: Self.config(ports: [silent.port], extra: "proxy-core.read-timeout = 1"), errorLog: silentLog.logger) { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: sluice.port)
            #expect(response.status == .gatewayTimeout)
        }
        #expect(silentLog.messages(containing: "504").count == 1, "\(silentLog.messages)")
        #expect(silentLog.messages(containing: "504").first?.contains("(backend 127.0.0.1:\(silent.port))") == true, "\(silentLog.messages)")
        await silent.stop()
    }

    @Test func aBackendDyingMidResponseClosesTheClient() async throws {
        let cut = try await ScriptedUpstream.start(
            reply: Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b".utf8))
        let log = CapturedLog()
        try await TestSluice.with(config: Self.config(ports: [cut.port]), errorLog: log.logger) { sluice in
            let answer = try await RawExchange.exchange(
                [Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)], port: sluice.port, timeout: .seconds(10))
            let raw = String(decoding: answer.bytes, as: UTF8.self)
            // The head and the 10 bytes went out; then Sluice closed the connection: never a complete response.
            #expect(answer.closedByServer)
            #expect(raw.hasPrefix("HTTP/1.1 200 OK"))
            #expect(raw.contains("Content-Length: 100"))
            #expect(raw.hasSuffix("only ten b"))
        }
        let lines = log.messages(containing: "mid-response")
        #expect(lines.count == 1, "\(log.messages)")
        #expect(lines.first?.contains("backend 127.0.0.1:\(cut.port) failed mid-response") == true, "\(lines)")
        await cut.stop()
    }
}

/// A backend that resets a kept-alive connection when the next request arrives (a worker killed with that request
/// in its socket buffer): the reset is a lost connection, so an idempotent request is replayed once on a fresh
/// connection (RFC 9110 §9.2.2), as when the connection closes; it is not a malformed response (502).
@Suite struct ResetUpstreamTests {
    @Test func aGetWhoseReusedConnectionIsResetIsReplayedOnAFreshOne() async throws {
        let backend = try await ScriptedUpstream.start(
            reply: Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8), closeAfterReply: false, resetAtRead: 2)
        defer { Task { await backend.stop() } }
        let config = """
            server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
            $HTTP["url"] =^ "/" { proxy-core.backends = ( "127.0.0.1:\(backend.port)" ) }
            """
        let log = CapturedLog()
        try await TestSluice.with(config: config, errorLog: log.logger) { sluice in
            for round in 1...3 {
                let response = try await TestHTTPClient.request(TestHTTPRequest("/item"), port: sluice.port)
                #expect(response.status == .ok && response.bodyString == "ok", "round \(round): \(response.status)")
            }
            // Round 1 opened a connection; rounds 2 and 3 each met a reset on the reused one and were replayed on a
            // fresh connection, which the next round reuses.
            #expect(backend.connections == 3)
            let post = try await TestHTTPClient.request(TestHTTPRequest(.POST, "/item", body: "x"), port: sluice.port)
            #expect(post.status == .badGateway, "a POST is never replayed")
            #expect(log.messages(containing: "connection lost").count >= 2, "\(log.messages)")
        }
    }
}

/// What the client gets in a proxied head, on the byte path and on the string path (chosen when the access log
/// needs the response's fields): the backend's own `Server` and `Date` once, never Sluice's as well.
@Suite struct ProxiedHeadTests {
    @Test(arguments: [false, true])
    func originServerAndDateAreKeptOnceAndTheAccessLogSeesTheFields(logsResponseFields: Bool) async throws {
        // X-Raw carries a byte that is not UTF-8: the byte path passes it as it is, the string path replaces it,
        // which tells the two paths apart from outside.
        let backend = try await ScriptedUpstream.start(
            reply: Array("HTTP/1.1 200 OK\r\nServer: origin/1\r\nDate: Fri, 20 Nov 2026 10:00:00 GMT\r\nX-Raw: caf".utf8)
                + [0xE9]
                + Array("\r\nContent-Type: text/x-origin\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok".utf8),
            closeAfterReply: false)
        defer { Task { await backend.stop() } }
        let directory = try TemporaryDirectory()
        let log = directory.path + "/access.log"
        let format = logsResponseFields ? "%>s %{Content-Type}o %{Server}o" : "%>s %b"
        let config = """
            server.modules = ( "mod_accesslog", "mod_proxy_core", "mod_proxy_backend_http" )
            accesslog.filename = "\(log)"
            accesslog.format = "\(format)"
            $HTTP["url"] =^ "/" { proxy-core.backends = ( "127.0.0.1:\(backend.port)" ) }
            """
        try await TestSluice.with(config: config) { sluice in
            let answer = try await RawExchange.exchange(
                [Array("GET /a HTTP/1.1\r\nHost: front\r\nConnection: close\r\n\r\n".utf8)], port: sluice.port,
                timeout: .seconds(10))
            let text = String(decoding: answer.bytes, as: UTF8.self)
            let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
            let names = head.split(separator: "\r\n").dropFirst().map { $0.prefix { $0 != ":" }.lowercased() }
            #expect(names.filter { $0 == "server" }.count == 1, "\(head)")
            #expect(names.filter { $0 == "date" }.count == 1, "\(head)")
            #expect(head.contains("Server: origin/1\r\n") && head.contains("Date: Fri, 20 Nov 2026 10:00:00 GMT"))
            #expect(!names.contains("keep-alive"))
            #expect(head.contains("Connection: close") && text.hasSuffix("\r\n\r\nok"))
            let raw = logsResponseFields ? Array("X-Raw: caf\u{FFFD}\r\n".utf8) : Array("X-Raw: caf".utf8) + [0xE9, 0x0D, 0x0A]
            #expect(answer.bytes.firstRange(of: raw) != nil, "the \(logsResponseFields ? "string" : "byte") path")
        }
        let line = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").first.map(String.init)
        #expect(line == (logsResponseFields ? "200 text/x-origin origin/1" : "200 2"))
    }
}

/// Backend heads the byte path leaves to the string path or to other code: fields named by `Connection`,
/// interim answers, a tunnel's 101.
@Suite struct ProxiedHeadSpecialCasesTests {
    static func config(_ port: Int) -> String {
        """
        server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
        $HTTP["url"] =^ "/" { proxy-core.backends = ( "127.0.0.1:\(port)" ) }
        """
    }

    static func fieldNames(_ head: Substring) -> [String] {
        head.split(separator: "\r\n").dropFirst().map { $0.prefix { $0 != ":" }.lowercased() }
    }

    @Test func fieldsTheBackendsConnectionNamesAreDropped() async throws {
        let backend = try await ScriptedUpstream.start(
            reply: Array("HTTP/1.1 200 OK\r\nConnection: X-Secret\r\nX-Secret: s\r\nX-Kept: k\r\nContent-Length: 0\r\n\r\n".utf8),
            closeAfterReply: false)
        defer { Task { await backend.stop() } }
        try await TestSluice.with(config: Self.config(backend.port)) { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/a"), port: sluice.port)
            #expect(response.status == .ok && response.header("X-Kept") == "k")
            #expect(response.header("X-Secret") == nil && response.header("Connection") == nil)
        }
    }

    /// `proxy-core.rewrite-response` rules see the backend's fields (they take the string path).
    @Test func responseRewriteRulesApply() async throws {
        let backend = try await ScriptedUpstream.start(
            reply: Array("HTTP/1.1 200 OK\r\nX-Back: internal-7\r\nX-Other: o\r\nContent-Length: 0\r\n\r\n".utf8),
            closeAfterReply: false)
        defer { Task { await backend.stop() } }
        let config = """
            server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
            $HTTP["url"] =^ "/" {
              proxy-core.backends = ( "127.0.0.1:\(backend.port)" )
              proxy-core.rewrite-response = ( "X-Back" => ( "^internal-(.*)" => "public-$1" ) )
            }
            """
        try await TestSluice.with(config: config) { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/a"), port: sluice.port)
            #expect(response.header("X-Back") == "public-7" && response.header("X-Other") == "o")
        }
    }

    @Test func anInterimAnswerPassesWithoutHopByHopFields() async throws {
        let backend = try await ScriptedUpstream.start(
            reply: Array(("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\nConnection: keep-alive\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").utf8),
            closeAfterReply: false)
        defer { Task { await backend.stop() } }
        try await TestSluice.with(config: Self.config(backend.port)) { sluice in
            let answer = try await RawExchange.exchange(
                [Array("GET /a HTTP/1.1\r\nHost: front\r\nConnection: close\r\n\r\n".utf8)], port: sluice.port,
                timeout: .seconds(10))
            let text = String(decoding: answer.bytes, as: UTF8.self)
            let interim = try #require(text.components(separatedBy: "\r\n\r\n").first)
            #expect(interim.hasPrefix("HTTP/1.1 103 "), "\(text)")
            #expect(interim.contains("Link: </a.css>; rel=preload"))
            #expect(!Self.fieldNames(interim[...]).contains("connection"), "\(interim)")
            #expect(text.contains("HTTP/1.1 200 OK\r\n") && text.hasSuffix("ok"))
        }
    }

    /// RFC 9110 §15.2: no 1xx to an HTTP/1.0 client, neither a backend's 103 nor Sluice's own 100 Continue.
    @Test func anHTTP10ClientGetsNoInterimAnswers() async throws {
        let backend = try await ScriptedUpstream.start(
            reply: Array(("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").utf8),
            closeAfterReply: false)
        defer { Task { await backend.stop() } }
        try await TestSluice.with(config: Self.config(backend.port)) { sluice in
            let answer = try await RawExchange.exchange(
                [Array("POST /a HTTP/1.0\r\nHost: front\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi".utf8)],
                port: sluice.port, timeout: .seconds(10))
            let text = String(decoding: answer.bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.0 200 OK\r\n"), "\(text)")
            #expect(!text.contains(" 100 Continue") && !text.contains(" 103 "), "\(text)")
            #expect(text.hasSuffix("ok"))
        }
    }

    @Test func aTunnelsSwitchingAnswerKeepsTheOriginsServerAndDateOnce() async throws {
        let backend = try await ScriptedUpstream.start(
            reply: Array(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nServer: origin/1\r\nDate: Fri, 20 Nov 2026 10:00:00 GMT\r\n\r\n").utf8))
        defer { Task { await backend.stop() } }
        try await TestSluice.with(config: Self.config(backend.port)) { sluice in
            let upgrade = "GET /ws HTTP/1.1\r\nHost: front\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            // The scripted backend closes after its 101, which ends the tunnel and the client connection.
            let answer = try await RawExchange.exchange([Array(upgrade.utf8)], port: sluice.port, timeout: .seconds(10))
            let head = String(decoding: answer.bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n").first ?? ""
            #expect(head.hasPrefix("HTTP/1.1 101 "), "\(head)")
            let names = Self.fieldNames(head[...])
            #expect(names.filter { $0 == "server" }.count == 1 && names.filter { $0 == "date" }.count == 1, "\(head)")
            #expect(head.contains("Server: origin/1"))
        }
    }
}

/// `proxy-core.allow-x-sendfile`.
@Suite struct XSendfileTests {
    @Test func backendNamedFileIsServedOnlyWhenAllowed() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("report.txt", "the file on disk\n")
        let backend = try await ScriptedUpstream.start(
            reply: Array("HTTP/1.1 200 OK\r\nX-Sendfile: \(file)\r\nContent-Type: text/x-report\r\nContent-Length: 7\r\n\r\nignored".utf8))
        defer { Task { await backend.stop() } }
        let base = """
            server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
            $HTTP["url"] =^ "/" { proxy-core.backends = ( "127.0.0.1:\(backend.port)" ) }

            """
        try await TestSluice.with(config: base + "proxy-core.allow-x-sendfile = \"enable\"") { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/download"), port: sluice.port)
            #expect(response.status == .ok)
            #expect(response.bodyString == "the file on disk\n")
            #expect(response.header("Content-Type") == "text/x-report")
            let range = try await TestHTTPClient.request(TestHTTPRequest("/download", headers: [("Range", "bytes=4-7")]), port: sluice.port)
            #expect(range.status == .partialContent && range.bodyString == "file", "\(range.status) \(range.bodyString)")
        }
        try await TestSluice.with(config: base) { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/download"), port: sluice.port)
            #expect(response.bodyString == "ignored")
        }
    }
}

/// A backend that accepts and then drops requests (a crashing app): idempotent requests go elsewhere.
@Suite struct FailingBackendTests {
    @Test func idempotentRequestsMoveToAnotherBackendPostGets502() async throws {
        let dropper = try await ScriptedUpstream.start(reply: [])  // reads the request, closes, says nothing
        defer { Task { await dropper.stop() } }
        try await withWorker { worker in
            let config = """
                server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
                $HTTP["url"] =^ "/" {
                  proxy-core.balancer = "round-robin"
                  proxy-core.backends = ( "127.0.0.1:\(dropper.port)", "127.0.0.1:\(worker.port)" )
                }
                """
            try await TestSluice.with(config: config) { sluice in
                for _ in 0..<6 {
                    let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: sluice.port)
                    #expect(response.status == .ok && response.bodyString.hasPrefix("hello from"))
                }
                var statuses: [UInt] = []
                for _ in 0..<4 {
                    let response = try await TestHTTPClient.request(TestHTTPRequest(.POST, "/echo", body: "x"), port: sluice.port)
                    statuses.append(response.status.code)
                }
                // A POST that met the dropping backend is not replayed: 502; the others were answered.
                #expect(statuses.allSatisfy { $0 == 200 || $0 == 502 })
                #expect(statuses.contains(200))
            }
        }
    }
}

/// mod_setenv on proxied and static answers.
@Suite struct SetenvTests {
    @Test func requestAndResponseHeadersAreAddedSetAndRemoved() async throws {
        let root = try TemporaryDirectory()
        try root.write("page.txt", "static")
        try await withWorker { worker in
            let config = """
                server.modules = ( "mod_setenv", "mod_proxy_core", "mod_proxy_backend_http" )
                server.document-root = "\(root.path)"
                setenv.add-response-header = ( "X-Served-By" => "sluice" )
                setenv.set-response-header = ( "Server" => "" )
                $HTTP["url"] =^ "/echo" {
                  proxy-core.backends = ( "127.0.0.1:\(worker.port)" )
                  setenv.add-request-header = ( "X-Tenant" => "blue" )
                  setenv.set-request-header = ( "User-Agent" => "" )
                }
                """
            try await TestSluice.with(config: config) { sluice in
                let proxied = try await TestHTTPClient.request(
                    TestHTTPRequest("/echo", headers: [("User-Agent", "secret-client/1")]), port: sluice.port)
                let echo = try EchoReply(decoding: proxied)
                #expect(echo.headerValues("X-Tenant") == ["blue"])
                #expect(echo.headerValues("User-Agent").isEmpty)
                #expect(proxied.header("X-Served-By") == "sluice")
                #expect(proxied.header("Server") == nil)
                let file = try await TestHTTPClient.request(TestHTTPRequest("/page.txt"), port: sluice.port)
                #expect(file.bodyString == "static" && file.header("X-Served-By") == "sluice" && file.header("Server") == nil)
            }
        }
    }
}

/// mod_extforward end to end: conditions and the backend see the client a trusted proxy names.
@Suite struct ExtForwardEndToEndTests {
    @Test func trustedProxyNamesTheClient() async throws {
        try await withWorker { worker in
            let config = """
                server.modules = ( "mod_extforward", "mod_rewrite", "mod_proxy_core", "mod_proxy_backend_http" )
                extforward.forwarder = ( "127.0.0.1" => "trust" )
                $HTTP["remoteip"] == "203.0.113.0/24" { url.rewrite-once = ( "^/(.*)" => "/echo/lan/$1" ) }
                $HTTP["url"] =^ "/" { proxy-core.backends = ( "127.0.0.1:\(worker.port)" ) }
                """
            try await TestSluice.with(config: config) { sluice in
                let response = try await TestHTTPClient.request(
                    TestHTTPRequest("/x", headers: [("X-Forwarded-For", "203.0.113.9")]), port: sluice.port)
                let echo = try EchoReply(decoding: response)
                #expect(echo.target == "/echo/lan/x")
                #expect(echo.headerValues("X-Forwarded-For") == ["203.0.113.9, 127.0.0.1"])
            }
        }
    }
}

/// `status.status-url` in its three formats, with counts that move.
@Suite struct StatusPageTests {
    @Test func statusShowsBackendsInHTMLJSONAndPrometheus() async throws {
        try await withWorker { worker in
            let config = """
                server.modules = ( "mod_status", "mod_proxy_core", "mod_proxy_backend_http" )
                status.status-url = "/server-status"
                $HTTP["url"] =^ "/app" { proxy-core.backends = ( "127.0.0.1:\(worker.port)" ) }
                """
            try await TestSluice.with(config: config) { sluice in
                for _ in 0..<3 { _ = try await TestHTTPClient.request(TestHTTPRequest("/app"), port: sluice.port) }
                let json = try await TestHTTPClient.request(TestHTTPRequest("/server-status?json"), port: sluice.port)
                #expect(json.header("Content-Type") == "application/json")
                let object = try JSONSerialization.jsonObject(with: Data(json.bodyString.utf8)) as? [String: Any]
                let backends = object?["backends"] as? [[String: Any]]
                #expect(backends?.count == 1)
                #expect(backends?.first?["backend"] as? String == "127.0.0.1:\(worker.port)")
                #expect(backends?.first?["state"] as? String == "up")
                #expect(backends?.first?["requests"] as? Int == 3)
                #expect(backends?.first?["inFlight"] as? Int == 0)
                let prometheus = try await TestHTTPClient.request(TestHTTPRequest("/server-status?format=prometheus"), port: sluice.port)
                #expect(prometheus.bodyString.contains("sluice_backend_requests_total{group=\"$HTTP[\\\"url\\\"] =^ \\\"/app\\\"\",backend=\"127.0.0.1:\(worker.port)\"} 3"))
                let html = try await TestHTTPClient.request(TestHTTPRequest("/server-status"), port: sluice.port)
                #expect(html.bodyString.contains("<td>127.0.0.1:\(worker.port)</td><td>up</td>"))
            }
        }
    }
}

/// SPEC §4: HEAD, 204 and 304 pass through without bodies, and the connection stays usable after them.
@Suite struct BodylessResponseTests {
    @Test func headAnd204And304HaveNoBodyAndKeepTheConnection() async throws {
        try await withWorker { worker in
            let config = """
                server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
                $HTTP["url"] =^ "/" { proxy-core.backends = ( "127.0.0.1:\(worker.port)" ) }
                """
            try await TestSluice.with(config: config) { sluice in
                try await TestHTTPClient.withConnection(port: sluice.port) { connection in
                    let head = try await connection.request(TestHTTPRequest(.HEAD, "/"))
                    #expect(head.status == .ok && head.body.readableBytes == 0)
                    #expect(head.header("Content-Length") != nil)
                    for code in ["204", "304"] {
                        let empty = try await connection.request(TestHTTPRequest("/status/\(code)"))
                        #expect(empty.status.code == UInt(code)! && empty.body.readableBytes == 0)
                    }
                    // Same connection, framing intact: a normal answer follows.
                    let after = try await connection.request(TestHTTPRequest("/"))
                    #expect(after.status == .ok && after.bodyString.hasPrefix("hello from"))
                }
            }
        }
    }
}
