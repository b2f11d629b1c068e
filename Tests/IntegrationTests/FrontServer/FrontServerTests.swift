import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The front server's request handling over real sockets: auth, redirects, rewrite failures, error pages,
/// pipelining, keep-alive limits, time limits and the access log.
@Suite struct FrontServerTests {
    let root: TemporaryDirectory

    init() throws {
        root = try TemporaryDirectory()
        try root.write("htdocs/index.html", "home")
        try root.write("htdocs/private/data.txt", "secret data")
        try root.write("errors/404.html", "<p>custom not found</p>")
        // made with `htpasswd -nbB alice wonderland` and `htpasswd -nbs bob builder`
        try root.write("htpasswd", """
            alice:$2y$05$/xbvzKqHrUBNci5D7g12teCdKhZIFTVh3o2BbOY/LH2eGkRqbd2Qu
            bob:{SHA}9SMYoF5RilWWASry7TjeaKwmpGg=

            """)
    }

    var authConfig: String {
        """
        server.modules = ( "mod_auth", "mod_authn_file" )
        server.document-root = "\(root.path)/htdocs"
        auth.backend = "htpasswd"
        auth.backend.htpasswd.userfile = "\(root.path)/htpasswd"
        auth.require = ( "/private" => ( "method" => "basic", "realm" => "Private area", "require" => "valid-user" ) )
        """
    }

    static func basic(_ credentials: String) -> (String, String) {
        ("Authorization", "Basic " + Data(credentials.utf8).base64EncodedString())
    }

    @Test func basicAuth() async throws {
        try await TestSluice.with(config: authConfig) { sluice in
            let open = try await TestHTTPClient.request(TestHTTPRequest("/index.html"), port: sluice.port)
            #expect(open.status == .ok)
            let challenged = try await TestHTTPClient.request(TestHTTPRequest("/private/data.txt"), port: sluice.port)
            #expect(challenged.status == .unauthorized)
            #expect(challenged.header("WWW-Authenticate") == "Basic realm=\"Private area\", charset=\"UTF-8\"")
            #expect(!challenged.bodyString.contains("secret"))
            for credentials in ["alice:wonderland", "bob:builder"] {
                let allowed = try await TestHTTPClient.request(
                    TestHTTPRequest("/private/data.txt", headers: [Self.basic(credentials)]), port: sluice.port)
                #expect(allowed.status == .ok && allowed.bodyString == "secret data", "\(credentials)")
            }
            for header in [Self.basic("alice:wrong"), ("Authorization", "Basic !!!"), ("Authorization", "Basic"),
                           ("Authorization", "Bearer x"), Self.basic("nobody:x")] {
                let refused = try await TestHTTPClient.request(
                    TestHTTPRequest("/private/data.txt", headers: [header]), port: sluice.port)
                #expect(refused.status == .unauthorized, "\(header)")
            }
            // The protected prefix is checked on the normalised path.
            let sneaky = try await TestHTTPClient.request(TestHTTPRequest("/x/../private/data.txt"), port: sluice.port)
            #expect(sneaky.status == .unauthorized)
        }
    }

    /// A front-controller rewrite (`url.rewrite-if-not-file`) must not take a request out of a protected area:
    /// lighttpd checks auth before its file check, so `/private/x` is challenged before it would become
    /// `/front.txt/private/x`; and url.redirect also runs before that rewrite.
    @Test func aFileRewriteDoesNotSkipAuthOrRedirects() async throws {
        try root.write("htdocs/front.txt", "front controller")
        let config = authConfig.replacingOccurrences(
            of: "server.modules = ( \"mod_auth\", \"mod_authn_file\" )",
            with: "server.modules = ( \"mod_auth\", \"mod_authn_file\", \"mod_rewrite\", \"mod_redirect\" )")
            + "\nurl.rewrite-if-not-file = ( \"^/(.*)$\" => \"/front.txt\" )\nurl.redirect = ( \"^/old$\" => \"/new\" )\n"
        try await TestSluice.with(config: config) { sluice in
            let challenged = try await TestHTTPClient.request(TestHTTPRequest("/private/missing"), port: sluice.port)
            #expect(challenged.status == .unauthorized)
            let allowed = try await TestHTTPClient.request(
                TestHTTPRequest("/private/missing", headers: [Self.basic("alice:wonderland")]), port: sluice.port)
            #expect(allowed.status == .ok && allowed.bodyString == "front controller")
            let open = try await TestHTTPClient.request(TestHTTPRequest("/anything"), port: sluice.port)
            #expect(open.status == .ok && open.bodyString == "front controller")
            let moved = try await TestHTTPClient.request(TestHTTPRequest("/old"), port: sluice.port)
            #expect(moved.status == .movedPermanently && moved.header("Location")?.hasSuffix("/new") == true)
        }
    }

    /// mod_access: denied suffixes get 403 whether the request would be a file or go to a backend, and before
    /// any auth challenge.
    @Test func urlAccessDenyRefusesBySuffixStaticOrProxied() async throws {
        try root.write("htdocs/notes.txt~", "backup")
        try root.write("htdocs/private/db.inc", "include")
        let upstream = try await ScriptedUpstream.start(
            reply: Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8), closeAfterReply: false)
        defer { Task { await upstream.stop() } }
        let config = authConfig.replacingOccurrences(
            of: "server.modules = ( \"mod_auth\", \"mod_authn_file\" )",
            with: "server.modules = ( \"mod_access\", \"mod_auth\", \"mod_proxy_core\", \"mod_proxy_backend_http\" )")
            + """

            url.access-deny = ( "~", ".inc" )
            $HTTP["url"] =^ "/app" { proxy-core.backends = ( "127.0.0.1:\(upstream.port)" ) }
            """
        try await TestSluice.with(config: config) { sluice in
            for path in ["/notes.txt~", "/private/db.inc", "/app/x.INC"] {
                let response = try await TestHTTPClient.request(TestHTTPRequest(path), port: sluice.port)
                #expect(response.status == .forbidden, "\(path)")
            }
            #expect(try await TestHTTPClient.request(TestHTTPRequest("/index.html"), port: sluice.port).status == .ok)
            #expect(try await TestHTTPClient.request(TestHTTPRequest("/app/x"), port: sluice.port).bodyString == "ok")
        }
        #expect(upstream.connections == 1)
    }

    /// A deny rule, like auth, covers the path a request had before a front-controller rewrite.
    @Test func aFileRewriteDoesNotSkipAccessDeny() async throws {
        try root.write("htdocs/front.txt", "front controller")
        let config = """
            server.modules = ( "mod_access", "mod_rewrite" )
            server.document-root = "\(root.path)/htdocs"
            url.rewrite-if-not-file = ( "^/(.*)$" => "/front.txt" )
            $HTTP["url"] =^ "/internal/" { url.access-deny = ( "" ) }
            """
        try await TestSluice.with(config: config) { sluice in
            let denied = try await TestHTTPClient.request(TestHTTPRequest("/internal/admin"), port: sluice.port)
            #expect(denied.status == .forbidden)
            let open = try await TestHTTPClient.request(TestHTTPRequest("/public/page"), port: sluice.port)
            #expect(open.bodyString == "front controller")
        }
    }

    @Test func redirectsRewriteFailuresAndErrorPages() async throws {
        let config = """
            server.modules = ( "mod_rewrite", "mod_redirect" )
            server.document-root = "\(root.path)/htdocs"
            server.errorfile-prefix = "\(root.path)/errors/"
            url.redirect = ( "^/old/(.*)" => "/new/$1" )
            url.rewrite-repeat = ( "^/loop(.*)" => "/loop$1x" )
            url.rewrite-once = ( "^/home$" => "/index.html", "^/bad" => "nope" )
            """
        try await TestSluice.with(config: config) { sluice in
            let redirect = try await TestHTTPClient.request(TestHTTPRequest("/old/page?q=1"), port: sluice.port)
            #expect(redirect.status == .movedPermanently)
            #expect(redirect.header("Location") == "/new/page?q=1")
            let rewritten = try await TestHTTPClient.request(TestHTTPRequest("/home"), port: sluice.port)
            #expect(rewritten.status == .ok && rewritten.bodyString == "home")
            let loop = try await TestHTTPClient.request(TestHTTPRequest("/loop"), port: sluice.port)
            #expect(loop.status == .internalServerError)
            let invalid = try await TestHTTPClient.request(TestHTTPRequest("/bad"), port: sluice.port)
            #expect(invalid.status == .internalServerError)
            let missing = try await TestHTTPClient.request(TestHTTPRequest("/nothing"), port: sluice.port)
            #expect(missing.status == .notFound && missing.bodyString == "<p>custom not found</p>")
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await TestSluice.with(config: "server.document-root = \"\(root.path)/htdocs\"") { sluice in
            let requests = "GET /index.html HTTP/1.1\r\nHost: a\r\n\r\nGET /missing HTTP/1.1\r\nHost: a\r\n\r\n"
                + "HEAD /index.html HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
            let answer = try await RawExchange.send(requests, port: sluice.port)
            #expect(answer.statusCodes == [200, 404, 200])
            #expect(answer.contains("Connection: close"))
        }
    }

    @Test func keepAliveRequestLimitClosesTheConnection() async throws {
        let config = "server.document-root = \"\(root.path)/htdocs\"\nserver.max-keep-alive-requests = 2"
        try await TestSluice.with(config: config) { sluice in
            let requests = String(repeating: "GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n", count: 3)
            let answer = try await RawExchange.send(requests, port: sluice.port)
            // The second response says close and the connection ends: the third request is not answered.
            #expect(answer.statusCodes == [200, 200])
            #expect(answer.components(separatedBy: "Connection: close").count == 2)
        }
    }

    @Test func malformedRequestsGet400AndClose() async throws {
        try await TestSluice.with(config: "server.document-root = \"\(root.path)/htdocs\"") { sluice in
            let answer = try await RawExchange.send("GET /index.html HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n", port: sluice.port)
            #expect(answer.statusCodes == [400])
        }
    }

    @Test func aTricklingHeadIsCutOffWith408() async throws {
        let config = "server.document-root = \"\(root.path)/htdocs\"\nserver.max-read-idle = 2"
        try await TestSluice.with(config: config) { sluice in
            // Half a head, then nothing: the server answers 408 and closes (the client's 30 s deadline only
            // stops a hang; the server's limit is 2 s). A connection whose bytes the server has not seen when the
            // limit passes (a loaded test process may write late) is closed without an answer, as lighttpd
            // does for a connection that sent nothing: that attempt is tried again.
            var statuses: [[Int]] = []
            for _ in 0..<5 {
                // A write after that silent close fails: another attempt too.
                guard let answer = try? await RawExchange.exchange(
                    [Array("GET /index.html HTTP/1.1\r\nHo".utf8)], port: sluice.port, timeout: .seconds(30))
                else {
                    statuses.append([])
                    continue
                }
                #expect(answer.closedByServer)
                statuses.append(String(decoding: answer.bytes, as: UTF8.self).statusCodes)
                if !answer.bytes.isEmpty { break }
            }
            #expect(statuses.last == [408], "\(statuses)")
        }
    }

    @Test func accessLogGetsCombinedFormatLines() async throws {
        let log = root.path + "/access.log"
        let config = """
            server.modules = ( "mod_accesslog" )
            server.document-root = "\(root.path)/htdocs"
            accesslog.filename = "\(log)"
            """
        try await TestSluice.with(config: config) { sluice in
            _ = try await TestHTTPClient.request(
                TestHTTPRequest("/index.html?x=1", headers: [("User-Agent", "tester/1"), ("Referer", "http://r/")]),
                port: sluice.port)
            _ = try await TestHTTPClient.request(TestHTTPRequest("/missing"), port: sluice.port)
        }
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("127.0.0.1 ") == true)
        #expect(lines.first?.hasSuffix("\"GET /index.html?x=1 HTTP/1.1\" 200 4 \"http://r/\" \"tester/1\"") == true)
        #expect(lines.last?.contains("\"GET /missing HTTP/1.1\" 404 ") == true)
    }
}

/// RFC 9112 hygiene and lighttpd's limits at the front door, over real sockets.
@Suite struct RequestHygieneTests {
    @Test(arguments: [
        ("GET /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nab", 400),
        ("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("GET /x HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 400),
        ("GET /x HTTP/1.1\r\nHost: a\r\nX\0Y: 1\r\n\r\n", 400),
        ("GET /x HTTP/1.1\r\n\r\n", 400),
        ("GET /x\r\n\r\n", 400),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
        ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414),
        ("GET /x HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "b", count: 9000) + "\r\n\r\n", 431),
    ])
    func refusedRequests(_ request: String, _ status: Int) async throws {
        let root = try TemporaryDirectory()
        try await TestSluice.with(config: "server.document-root = \"\(root.path)\"") { sluice in
            let answer = try await RawExchange.send(request, port: sluice.port)
            #expect(answer.statusCodes == [status], "\(request.prefix(60))")
            #expect(answer.contains("Connection: close"))
        }
    }

    @Test func requestBodiesOverTheLimitGet413() async throws {
        let root = try TemporaryDirectory()
        try await TestSluice.with(config: "server.document-root = \"\(root.path)\"\nserver.max-request-size = 1") { sluice in
            let answer = try await RawExchange.send(
                "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2048\r\n\r\n" + String(repeating: "z", count: 2048),
                port: sluice.port)
            #expect(answer.statusCodes == [413])
        }
    }
}

/// Clients that leave in the middle of a response cost nothing lasting.
@Suite struct EarlyCloseTests {
    @Test func aClientLeavingDuringALargeFileLeavesTheServerHealthy() async throws {
        let root = try TemporaryDirectory()
        try root.write("big.bin", [UInt8](repeating: 7, count: 20 * 1024 * 1024))
        try root.write("small.txt", "ok")
        try await TestSluice.with(config: "server.document-root = \"\(root.path)\"") { sluice in
            for _ in 0..<5 {
                let got = try await RawExchange.sendAndLeave("GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n", port: sluice.port, after: 100_000)
                #expect(got >= 100_000)
            }
            let after = try await TestHTTPClient.request(TestHTTPRequest("/small.txt"), port: sluice.port)
            #expect(after.status == .ok && after.bodyString == "ok")
            // Every connection of the clients that left is gone (the server counts open connections).
            var open = sluice.server.openConnections
            for _ in 0..<1500 where open > 0 {  // up to 30 s: closing is event-driven, the bound only stops a hang
                try await Task.sleep(for: .milliseconds(20))
                open = sluice.server.openConnections
            }
            #expect(open == 0)
        }
    }

    @Test func aClientLeavingDuringAProxiedStreamFreesTheBackendConnection() async throws {
        try await withWorker { worker in
            let config = """
                server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
                $HTTP["url"] =^ "/" {
                  proxy-core.backends = ( "127.0.0.1:\(worker.port)" )
                  proxy-core.max-pool-size = 1
                }
                """
            try await TestSluice.with(config: config) { sluice in
                _ = try await RawExchange.sendAndLeave(
                    "GET /sse?n=50&interval-ms=100 HTTP/1.1\r\nHost: a\r\n\r\n", port: sluice.port, after: 20)
                // With a pool of one, the next request can only be served if the abandoned stream's
                // connection was given back (closed, never reused mid-response).
                let next = try await TestHTTPClient.request(TestHTTPRequest("/"), port: sluice.port)
                #expect(next.status == .ok && next.bodyString.hasPrefix("hello from"))
            }
        }
    }
}

/// `server.max-keep-alive-idle`: an idle kept-alive connection is closed, however its last answer was made.
@Suite struct KeepAliveIdleTests {
    @Test func idleKeptAliveConnectionsAreClosed() async throws {
        let root = try TemporaryDirectory()
        try root.write("index.html", "home")
        let config = "server.document-root = \"\(root.path)\"\nserver.max-keep-alive-idle = 1"
        try await TestSluice.with(config: config) { sluice in
            for target in ["/index.html", "/missing"] {
                // The request keeps the connection open; the server must close it (the exchange returns on
                // close, or gives up after 20 s: far past the 1 s idle limit).
                let answer = try await RawExchange.exchange(
                    [Array("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n".utf8)], port: sluice.port, timeout: .seconds(20))
                #expect(String(decoding: answer.bytes, as: UTF8.self).statusCodes.count == 1)
                #expect(answer.closedByServer, "\(target): the idle connection stayed open")
            }
        }
    }
}

/// `server.max-connections`: at the limit a new client waits in the kernel's backlog until a slot frees.
@Suite struct MaxConnectionsTests {
    @Test func aClientBeyondTheLimitIsServedOnlyAfterASlotFrees() async throws {
        let root = try TemporaryDirectory()
        try root.write("index.html", "home")
        let config = "server.document-root = \"\(root.path)\"\nserver.max-connections = 1"
        try await TestSluice.with(config: config) { sluice in
            let answered = Answered()
            // Long deadlines (they only stop a hang): the second client waits in the backlog for as long as the
            // holder's round trips take on a loaded machine.
            try await TestHTTPClient.withConnection(port: sluice.port, timeout: .seconds(60)) { holder in
                #expect(try await holder.request(TestHTTPRequest("/index.html")).status == .ok)
                let waiting = Task {
                    let response = try await TestHTTPClient.request(
                        TestHTTPRequest("/index.html"), port: sluice.port, timeout: .seconds(60))
                    answered.set()
                    return response.status
                }
                // Two more round trips on the held connection: the server has run its loop since the second
                // client connected, and still has not taken it.
                for _ in 0..<2 {
                    #expect(try await holder.request(TestHTTPRequest("/index.html")).status == .ok)
                }
                #expect(!answered.value)
                #expect(sluice.server.openConnections == 1)
                try await holder.send(TestHTTPRequest("/index.html", headers: [("Connection", "close")]))
                _ = try await holder.readResponse()
                // The slot frees when the held connection closes; the waiting client is then served.
                #expect(try await waiting.value == .ok)
            }
        }
    }

    final class Answered: @unchecked Sendable {
        private let lock = NSLock()
        private var done = false
        func set() { lock.lock(); done = true; lock.unlock() }
        var value: Bool { lock.lock(); defer { lock.unlock() }; return done }
    }
}
