import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `proxy-core.protocol = "fastcgi"` and `"scgi"` over real sockets, against `sluice-worker --protocol ...` (a
/// FastCGI/SCGI app server written apart from Sluice's own protocol code) and scripted upstreams.
@Suite struct CGIBackendTests {
    static func config(_ backendProtocol: String, port: Int, extra: String = "") -> String {
        """
        server.modules = ( "mod_proxy_core", "mod_proxy_backend_\(backendProtocol)" )
        server.document-root = "/srv/www"
        $HTTP["url"] =^ "/app" {
          proxy-core.protocol = "\(backendProtocol)"
          proxy-core.backends = ( "127.0.0.1:\(port)" )
          proxy-core.rewrite-request = ( "_uri" => ( "^/app(.*)" => "$1" ) )
          \(extra)
        }
        """
    }

    static func body(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
        return bytes
    }

    /// The request as a CGI app sees it: the mount point as SCRIPT_NAME, the rest as PATH_INFO (decoded), the query
    /// still encoded, the client's target as REQUEST_URI, fields as HTTP_* with the forwarding ones added.
    @Test(arguments: ["fastcgi", "scgi"])
    func theAppGetsTheCGIVariables(_ backendProtocol: String) async throws {
        try await withWorker(["--port", "0", "--protocol", backendProtocol]) { worker in
            try await TestSluice.with(config: Self.config(backendProtocol, port: worker.port)) { sluice in
                let response = try await TestHTTPClient.request(
                    TestHTTPRequest(
                        .POST, "/app/echo/a%20b?q=%26", headers: [("Content-Type", "text/plain"), ("X-Trace", "t1"), ("Proxy", "evil")],
                        body: ByteBuffer(string: "hello")),
                    port: sluice.port)
                #expect(response.status == .ok)
                let echo = try EchoReply(decoding: response)
                #expect(echo.target == "/echo/a b?q=%26")
                #expect(echo.method == "POST" && echo.body == "hello")
                #expect(echo.headerValues("CGI-SCRIPT_NAME") == ["/app"])
                #expect(echo.headerValues("CGI-PATH_INFO") == ["/echo/a b"])
                #expect(echo.headerValues("CGI-QUERY_STRING") == ["q=%26"])
                #expect(echo.headerValues("CGI-REQUEST_URI") == ["/app/echo/a%20b?q=%26"])
                #expect(echo.headerValues("CGI-REQUEST_METHOD") == ["POST"])
                #expect(echo.headerValues("CGI-SERVER_PORT") == ["\(sluice.port)"])
                #expect(echo.headerValues("CGI-SERVER_NAME") == ["127.0.0.1"])
                #expect(echo.headerValues("CGI-REMOTE_ADDR") == ["127.0.0.1"])
                #expect(echo.headerValues("CGI-DOCUMENT_ROOT") == ["/srv/www"])
                #expect(echo.headerValues("Content-Length") == ["5"])
                #expect(echo.headerValues("Content-Type") == ["text/plain"])
                #expect(echo.headerValues("X-Trace") == ["t1"])
                #expect(echo.headerValues("X-Forwarded-For") == ["127.0.0.1"])
                #expect(echo.headerValues("X-Forwarded-Prefix") == ["/app"])
                #expect(echo.headerValues("Proxy").isEmpty)  // httpoxy
                #expect(echo.headerValues("CGI-SCGI") == (backendProtocol == "scgi" ? ["1"] : []))
            }
        }
    }

    /// lighttpd 1.5's `_scriptname`, `_pathinfo`, `_docroot` set the split the app sees (matched on the decoded
    /// path as `$HTTP["url"]` sees it; `%1` is the enclosing condition's capture).
    @Test func scriptNamePathInfoAndDocumentRootFromRules() async throws {
        try await withWorker(["--port", "0", "--protocol", "fastcgi"]) { worker in
            let config = """
                server.modules = ( "mod_proxy_core", "mod_proxy_backend_fastcgi" )
                server.document-root = "/srv/www"
                $HTTP["url"] =~ "^/(shop)" {
                  proxy-core.protocol = "fastcgi"
                  proxy-core.backends = ( "127.0.0.1:\(worker.port)" )
                  proxy-core.rewrite-request = ( "_scriptname" => ( "^(/shop/[^/]+\\.php)" => "$1" ),
                                                 "_pathinfo" => ( "^/shop/[^/]+\\.php(/.*)$" => "$1" ),
                                                 "_docroot" => ( "^(.*)$" => "$1/%1" ) )
                }
                """
            try await TestSluice.with(config: config) { sluice in
                let echo = try EchoReply(decoding: try await TestHTTPClient.request(
                    TestHTTPRequest("/shop/cart.php/echo?id=1"), port: sluice.port))
                #expect(echo.headerValues("CGI-SCRIPT_NAME") == ["/shop/cart.php"])
                #expect(echo.headerValues("CGI-PATH_INFO") == ["/echo"])
                #expect(echo.headerValues("CGI-DOCUMENT_ROOT") == ["/srv/www/shop"])
                #expect(echo.headerValues("CGI-SCRIPT_FILENAME") == ["/srv/www/shop/shop/cart.php"])
            }
        }
    }

    /// 5 MB both ways, sized and chunked uploads (a chunked one is read whole first: CGI states the length), and
    /// a streamed answer, checked by digest; HEAD gets no body; Location is mapped back under the mount.
    @Test(arguments: ["fastcgi", "scgi"])
    func bodiesBothWaysHeadAndRedirects(_ backendProtocol: String) async throws {
        try await withWorker(["--port", "0", "--protocol", backendProtocol]) { worker in
            try await TestSluice.with(config: Self.config(backendProtocol, port: worker.port)) { sluice in
                let bytes = Self.body(5 << 20)
                let digest = TestDigest.fnv1a64(bytes)
                let sized = try EchoReply(decoding: try await TestHTTPClient.request(
                    TestHTTPRequest(.POST, "/app/echo", body: ByteBuffer(bytes: bytes)), port: sluice.port, timeout: .seconds(60)))
                #expect(sized.bodyLength == bytes.count && sized.bodyFNV1a64 == digest)
                let chunked = try await TestHTTPClient.uploadChunked(bytes, method: .PUT, uri: "/app/echo", port: sluice.port)
                let chunkedEcho = try EchoReply(decoding: chunked)
                #expect(chunkedEcho.bodyLength == bytes.count && chunkedEcho.bodyFNV1a64 == digest)
                #expect(chunkedEcho.headerValues("Content-Length") == ["\(bytes.count)"])
                let download = try await TestHTTPClient.request(
                    TestHTTPRequest("/app/bytes?n=\(5 << 20)"), port: sluice.port, timeout: .seconds(60))
                #expect(download.status == .ok && download.body.readableBytes == 5 << 20)
                #expect(download.header("Content-Length") == "\(5 << 20)")
                // A HEAD answer, then requests on the same backend connection (FastCGI; SCGI opens new ones): the
                // body the app wrote for the HEAD is not taken as the next answer.
                let before = try EchoReply(decoding: try await TestHTTPClient.request(TestHTTPRequest("/app/echo"), port: sluice.port))
                let head = try await TestHTTPClient.request(TestHTTPRequest(.HEAD, "/app/bytes?n=1000"), port: sluice.port)
                #expect(head.status == .ok && head.header("Content-Length") == "1000" && head.body.readableBytes == 0)
                let after = try EchoReply(decoding: try await TestHTTPClient.request(TestHTTPRequest("/app/echo"), port: sluice.port))
                #expect(after.method == "GET" && after.target == "/echo")
                if backendProtocol == "fastcgi" { #expect(after.peer == before.peer) }
                let redirect = try await TestHTTPClient.request(TestHTTPRequest("/app/redirect"), port: sluice.port)
                #expect(redirect.status == .found)
                #expect(redirect.header("Location") == "http://127.0.0.1:\(sluice.port)/app/welcome")
                let missing = try await TestHTTPClient.request(TestHTTPRequest("/app/status/404"), port: sluice.port)
                #expect(missing.status == .notFound)
            }
        }
    }

    /// Server-sent events through FastCGI arrive before the app has finished (STDOUT records passed on as they
    /// come): the first event is read while the app still has three more to send, seconds apart.
    @Test func fastCGIStreamsServerSentEvents() async throws {
        try await withWorker(["--port", "0", "--protocol", "fastcgi"]) { worker in
            try await TestSluice.with(config: Self.config("fastcgi", port: worker.port)) { sluice in
                try await TestHTTPClient.withConnection(port: sluice.port, timeout: .seconds(60)) { connection in
                    try await connection.send(TestHTTPRequest("/app/sse?n=4&interval-ms=2000"))
                    let head = try await connection.readResponseHead()
                    #expect(head.status == .ok && head.headers.first(name: "Transfer-Encoding") == "chunked")
                    let first = try #require(try await connection.readBodyChunk())
                    #expect(String(buffer: first.data).hasPrefix("data: 1"))
                }
            }
        }
    }

    /// FastCGI connections stay open (FCGI_KEEP_CONN) and are reused: every request of a sequence comes from the
    /// same peer. SCGI ends each connection with its response: a new one per request.
    @Test(arguments: ["fastcgi", "scgi"])
    func fastCGIConnectionsArePooledSCGIOnesAreNot(_ backendProtocol: String) async throws {
        try await withWorker(["--port", "0", "--protocol", backendProtocol]) { worker in
            try await TestSluice.with(config: Self.config(backendProtocol, port: worker.port)) { sluice in
                var peers: [String] = []
                for _ in 0..<5 {
                    let echo = try EchoReply(decoding: try await TestHTTPClient.request(TestHTTPRequest("/app/echo"), port: sluice.port))
                    peers.append(echo.peer)
                }
                #expect(Set(peers).count == (backendProtocol == "fastcgi" ? 1 : 5), "\(peers)")
            }
        }
    }

    /// PHP-FPM's usual listener: a unix socket. Three requests, one kept connection (FCGI_KEEP_CONN honoured by
    /// the scripted app, which keeps it open).
    @Test func aFastCGIAppOnAUnixSocket() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/php-fpm.sock"
        let reply = FastCGIBytes.stdout("Content-Type: text/plain\r\nContent-Length: 4\r\n\r\nfrom") + FastCGIBytes.endRequest()
        let app = try await ScriptedUpstream.start(reply: reply, closeAfterReply: false, unixPath: path)
        defer { Task { await app.stop() } }
        let config = Self.config("fastcgi", port: 0).replacingOccurrences(of: "\"127.0.0.1:0\"", with: "\"unix:\(path)\"")
        try await TestSluice.with(config: config) { sluice in
            for _ in 0..<3 {
                let response = try await TestHTTPClient.request(TestHTTPRequest("/app/index.php"), port: sluice.port)
                #expect(response.status == .ok && response.bodyString == "from")
            }
        }
        #expect(app.connections == 1)
    }

    /// What a FastCGI app writes to STDERR goes to the error log, naming the backend; the response is unaffected.
    @Test func fastCGIStandardErrorIsLogged() async throws {
        try await withWorker(["--port", "0", "--protocol", "fastcgi"]) { worker in
            let log = CapturedLog()
            try await TestSluice.with(config: Self.config("fastcgi", port: worker.port), errorLog: log.logger) { sluice in
                let response = try await TestHTTPClient.request(TestHTTPRequest("/app/stderr"), port: sluice.port)
                #expect(response.status == .notFound)
                #expect(log.messages(containing: "backend 127.0.0.1:\(worker.port): stderr: worker stderr line").count == 1, "\(log.messages)")
            }
        }
    }

    /// Broken answers are 502 (a record of another version, an app refusing the request, a CGI head with a bad
    /// line, no output at all); a sized body cut short closes the client connection.
    @Test(arguments: [
        ("fastcgi", [UInt8]([2, 6, 0, 1, 0, 0, 0, 0])),
        ("fastcgi", FastCGIBytes.endRequest(protocolStatus: 2)),
        ("fastcgi", FastCGIBytes.stdout("no colon here\r\n\r\n") + FastCGIBytes.endRequest()),
        ("fastcgi", FastCGIBytes.endRequest()),
        ("scgi", Array("Status: 20x Fine\r\n\r\n".utf8)),
    ])
    func brokenAnswersAre502(_ backendProtocol: String, reply: [UInt8]) async throws {
        let upstream = try await ScriptedUpstream.start(reply: reply)
        defer { Task { await upstream.stop() } }
        try await TestSluice.with(config: Self.config(backendProtocol, port: upstream.port)) { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/app/x"), port: sluice.port)
            #expect(response.status == .badGateway)
        }
    }

    /// Output beyond the Content-Length: the response as declared reaches the client, and the backend connection
    /// closes (it is not reused, and no request is failed for it).
    @Test func fastCGIOutputBeyondContentLengthIsDropped() async throws {
        let reply = FastCGIBytes.stdout("Content-Length: 2\r\n\r\nabc") + FastCGIBytes.endRequest()
        let upstream = try await ScriptedUpstream.start(reply: reply, closeAfterReply: false)
        defer { Task { await upstream.stop() } }
        try await TestSluice.with(config: Self.config("fastcgi", port: upstream.port)) { sluice in
            for _ in 0..<2 {
                let response = try await TestHTTPClient.request(TestHTTPRequest("/app/x"), port: sluice.port)
                #expect(response.status == .ok && response.bodyString == "ab")
            }
        }
        #expect(upstream.connections == 2)
    }

    /// An empty chunked body is no body: a GET sent with one is replayed on a fresh connection when its reused one
    /// is reset before any answer, as a GET without a body is (the scripted app resets each connection at its
    /// second request).
    @Test func aGetWithAnEmptyChunkedBodyIsReplayedLikeAnyGet() async throws {
        let reply = FastCGIBytes.stdout("Content-Length: 2\r\n\r\nok") + FastCGIBytes.endRequest()
        let app = try await ScriptedUpstream.start(reply: reply, closeAfterReply: false, resetAtRead: 2)
        defer { Task { await app.stop() } }
        try await TestSluice.with(config: Self.config("fastcgi", port: app.port)) { sluice in
            let first = try await TestHTTPClient.request(TestHTTPRequest("/app/x"), port: sluice.port)
            #expect(first.status == .ok && first.bodyString == "ok")
            let chunked = try await TestHTTPClient.uploadChunked([], method: .GET, uri: "/app/x", port: sluice.port)
            #expect(chunked.status == .ok && chunked.bodyString == "ok")
        }
        #expect(app.connections == 2)
    }

    @Test func aFastCGIBodyCutShortClosesTheClient() async throws {
        let reply = FastCGIBytes.stdout("Content-Length: 10\r\n\r\nabc") + FastCGIBytes.endRequest()
        let upstream = try await ScriptedUpstream.start(reply: reply)
        defer { Task { await upstream.stop() } }
        try await TestSluice.with(config: Self.config("fastcgi", port: upstream.port)) { sluice in
            let exchange = try await RawExchange.exchange([Array("GET /app/x HTTP/1.1\r\nHost: a\r\n\r\n".utf8)], port: sluice.port)
            let raw = String(decoding: exchange.bytes, as: UTF8.self)
            #expect(exchange.closedByServer)
            #expect(raw.hasPrefix("HTTP/1.1 200 OK"))
            #expect(raw.hasSuffix("\r\n\r\nabc"), "\(raw)")
        }
    }

    /// The active health check speaks the group's protocol: a FastCGI app answering 500 is marked down (and
    /// requests get 503); one answering 200 stays up through several checks.
    @Test func healthChecksSpeakFastCGI() async throws {
        try await withWorker(["--port", "0", "--protocol", "fastcgi"]) { worker in
            let log = CapturedLog()
            let extra = "proxy-core.health-check = \"/status/500\"\nproxy-core.health-check-interval = 3"
            try await TestSluice.with(config: Self.config("fastcgi", port: worker.port, extra: extra), errorLog: log.logger) { sluice in
                let markedDown = try await eventually(within: .seconds(30)) { !log.messages(containing: "answered 500").isEmpty }
                #expect(markedDown, "\(log.messages)")
                let refused = try await TestHTTPClient.request(TestHTTPRequest("/app/"), port: sluice.port, timeout: .seconds(60))
                #expect(refused.status == .serviceUnavailable)
            }
        }
        // A scripted FastCGI app answering 200: each check is a connection of its own; once three have come, two
        // verdicts at least are in, and none said down.
        let app = try await ScriptedUpstream.start(reply: FastCGIBytes.stdout("Status: 200 OK\r\n\r\nok") + FastCGIBytes.endRequest())
        defer { Task { await app.stop() } }
        let log = CapturedLog()
        let extra = "proxy-core.health-check = \"/\"\nproxy-core.health-check-interval = 3"  // a check may take 3 s
        try await TestSluice.with(config: Self.config("fastcgi", port: app.port, extra: extra), errorLog: log.logger) { sluice in
            let checked = try await eventually(within: .seconds(30)) { app.connections >= 3 }
            #expect(checked && log.messages(containing: "down").isEmpty, "\(log.messages)")
            let response = try await TestHTTPClient.request(TestHTTPRequest("/app/"), port: sluice.port)
            #expect(response.status == .ok && response.bodyString == "ok")
        }
    }

    /// A chunked upload beyond what Sluice reads into memory for a CGI backend (16 MB) is refused with 413.
    @Test func aChunkedBodyOverTheCollectionLimitIs413() async throws {
        try await withWorker(["--port", "0", "--protocol", "fastcgi"]) { worker in
            try await TestSluice.with(config: Self.config("fastcgi", port: worker.port)) { sluice in
                let response = try await TestHTTPClient.withConnection(port: sluice.port, timeout: .seconds(60)) { connection in
                    let headers = HTTPHeaders([("Host", "x"), ("Transfer-Encoding", "chunked")])
                    try await connection.sendHead(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/app/echo", headers: headers))
                    let piece = ByteBuffer(bytes: [UInt8](repeating: 7, count: 1 << 20))
                    // Sluice answers as soon as the limit is passed and closes; sends after that may fail.
                    for _ in 0..<17 { try? await connection.sendBody(piece) }
                    try? await connection.sendEnd()
                    return try await connection.readResponse()
                }
                #expect(response.status == .payloadTooLarge)
            }
        }
    }
}

/// FastCGI records as an app writes them (request id 1), for scripted upstreams.
enum FastCGIBytes {
    static func record(type: UInt8, _ content: [UInt8]) -> [UInt8] {
        [1, type, 0, 1, UInt8(content.count >> 8), UInt8(content.count & 0xFF), 0, 0] + content
    }

    static func stdout(_ text: String) -> [UInt8] {
        record(type: 6, Array(text.utf8))
    }

    static func endRequest(protocolStatus: UInt8 = 0) -> [UInt8] {
        record(type: 3, [0, 0, 0, 0, protocolStatus, 0, 0, 0])
    }
}
