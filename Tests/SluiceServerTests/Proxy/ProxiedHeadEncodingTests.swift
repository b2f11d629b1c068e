@testable import LighttpdConfig
import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceCore
import Testing

@testable import SluiceServer

/// The proxied head written as bytes (`ResponseHeadBuilder.encodeProxied` + `HTTP1ServerCodec.writeEncodedHead`)
/// against the string path it replaces in the common case (`ProxiedResponseHeaders.build` + `head(fieldList:)` +
/// the codec's `write(.head)`): the same bytes reach the client, for every row.
@Suite struct ProxiedHeadEncodingTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var request = "GET /a HTTP/1.1\r\nHost: front\r\n\r\n"
        var version = HTTPVersion.http1_1
        /// The backend's response head (without the empty line) and body.
        var backend: String
        var body: [String] = []
        var keepAlive = true
        var serverTag = "sluice/test"
        var addFields: [(String, String)] = []
        var maps = false
        var expected: String
        var testDescription: String { name }
    }

    static let date = "Sat, 21 Nov 2026 00:00:00 GMT"
    static let nginx = "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Fri, 20 Nov 2026 00:00:00 GMT\r\nContent-Type: text/plain\r\n"

    static let rows: [Row] = [
        Row(
            name: "a typical head passes whole; Connection goes; the origin's Server and Date stay, once",
            backend: nginx + "Content-Length: 2\r\nConnection: keep-alive\r\n", body: ["ok"],
            expected: nginx + "Content-Length: 2\r\n\r\nok"),
        Row(
            name: "no Server or Date from the backend: Sluice's come first",
            backend: "HTTP/1.1 201 Created\r\nX-A: 1\r\nContent-Length: 0\r\n",
            expected: "HTTP/1.1 201 Created\r\nServer: sluice/test\r\nDate: \(date)\r\nX-A: 1\r\nContent-Length: 0\r\n\r\n"),
        Row(
            name: "an empty server.tag adds no Server", backend: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", serverTag: "",
            expected: "HTTP/1.1 200 OK\r\nDate: \(date)\r\nContent-Length: 0\r\n\r\n"),
        Row(
            name: "hop-by-hop fields anywhere are dropped, the rest keeps its order and spelling",
            backend: "HTTP/1.1 200 OK\r\nkeep-alive: timeout=5\r\nX-A: 1\r\nTrailer: X-T\r\nTE: trailers\r\nx-b: 2\r\n"
                + "Proxy-Connection: x\r\nUpgrade: h2c\r\nX-C: 3\r\nTransfer-Encoding: chunked\r\n",
            body: ["abc"],
            expected: "HTTP/1.1 200 OK\r\nServer: sluice/test\r\nDate: \(date)\r\nX-A: 1\r\nx-b: 2\r\nX-C: 3\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        Row(
            name: "no length: chunked for HTTP/1.1", backend: nginx, body: ["a", "bc"],
            expected: nginx + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n2\r\nbc\r\n0\r\n\r\n"),
        Row(
            name: "an HTTP/1.0 client kept alive is told so, in its version",
            request: "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", version: .http1_0,
            backend: nginx + "Content-Length: 2\r\n", body: ["ok"],
            expected: "HTTP/1.0 200 OK" + nginx.dropFirst(15) + "Content-Length: 2\r\nConnection: keep-alive\r\n\r\nok"),
        Row(
            name: "an HTTP/1.0 client without a length: the close delimits", request: "GET /a HTTP/1.0\r\n\r\n",
            version: .http1_0, backend: nginx, body: ["raw"], keepAlive: false,
            expected: "HTTP/1.0 200 OK" + nginx.dropFirst(15) + "Connection: close\r\n\r\nraw"),
        Row(
            name: "a connection that ends says close", backend: nginx + "Content-Length: 2\r\n", body: ["ok"],
            keepAlive: false, expected: nginx + "Content-Length: 2\r\nConnection: close\r\n\r\nok"),
        Row(
            name: "an HTTP/1.0 client's 204 without a length", request: "GET /a HTTP/1.0\r\n\r\n", version: .http1_0,
            backend: "HTTP/1.1 204 No Content\r\nServer: s\r\nDate: d\r\n", keepAlive: false,
            expected: "HTTP/1.0 204 No Content\r\nServer: s\r\nDate: d\r\nConnection: close\r\n\r\n"),
        Row(
            name: "204 and 304 lose Content-Length",
            backend: "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nX-A: 1\r\nDate: d\r\n",
            expected: "HTTP/1.1 204 No Content\r\nServer: sluice/test\r\nX-A: 1\r\nDate: d\r\n\r\n"),
        Row(
            name: "304", backend: "HTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\nContent-Length: 10\r\nServer: s\r\nDate: d\r\n",
            expected: "HTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\nServer: s\r\nDate: d\r\n\r\n"),
        Row(
            name: "HEAD keeps the length and sends no body", request: "HEAD /a HTTP/1.1\r\nHost: front\r\n\r\n",
            backend: nginx + "Content-Length: 42\r\n", expected: nginx + "Content-Length: 42\r\n\r\n"),
        Row(
            name: "HEAD without a length is not chunked", request: "HEAD /a HTTP/1.1\r\nHost: front\r\n\r\n",
            backend: nginx, expected: nginx + "\r\n"),
        Row(
            name: "Location, Content-Location and Set-Cookie are reverse-mapped in place",
            backend: nginx + "Location: http://127.0.0.1:9000/app/x\r\nX-A: 1\r\n"
                + "Set-Cookie: s=1; Path=/app/\r\nContent-Location: /app/y\r\nContent-Length: 0\r\n",
            maps: true,
            expected: nginx + "Location: http://front/proxy/app/x\r\nX-A: 1\r\nSet-Cookie: s=1; Path=/proxy/app/\r\n"
                + "Content-Location: /proxy/app/y\r\nContent-Length: 0\r\n\r\n"),
        Row(
            name: "a Location the mapping does not cover stays",
            backend: nginx + "Location: http://elsewhere.example/x\r\nContent-Length: 0\r\n", maps: true,
            expected: nginx + "Location: http://elsewhere.example/x\r\nContent-Length: 0\r\n\r\n"),
        Row(
            name: "setenv.add-response-header fields come after the backend's",
            backend: nginx + "Content-Length: 0\r\n", addFields: [("X-Served-By", "sluice")],
            expected: nginx + "Content-Length: 0\r\nX-Served-By: sluice\r\n\r\n"),
        Row(
            name: "bytes above 0x7F pass as they are", backend: "HTTP/1.1 200 OK\r\nServer: s\r\nDate: d\r\nX-Name: caf\u{E9}\r\nContent-Length: 0\r\n",
            expected: "HTTP/1.1 200 OK\r\nServer: s\r\nDate: d\r\nX-Name: caf\u{E9}\r\nContent-Length: 0\r\n\r\n"),
    ]

    static func parse(_ text: String, method: HTTPMethod) throws -> UpstreamResponseHead {
        var parser = HTTP1ResponseParser()
        parser.expectResponse(to: method)
        var buffer = ByteBuffer(string: text + "\r\n")
        guard case .head(let head) = parser.next(from: &buffer) else { throw ParseFailed() }
        return head
    }

    struct ParseFailed: Error {}

    static func builder(_ row: Row) -> ResponseHeadBuilder {
        ResponseHeadBuilder(
            serverTag: row.serverTag, date: date,
            addFields: row.addFields.map {
                ConfigPair(key: $0.0, value: $0.1, keyLocation: SourceLocation(file: "t", line: 1, column: 1),
                           valueLocation: SourceLocation(file: "t", line: 1, column: 1))
            })
    }

    static let mapper = ReverseMapper(
        mapping: PathMapping(clientPrefix: Array("/proxy/app".utf8), backendPrefix: Array("/app".utf8)),
        clientScheme: "http", clientHost: "front", backend: BackendAuthority(hosts: ["127.0.0.1"], port: 9000))

    /// Through the codec: head, body parts, end; what the client receives.
    static func send(_ row: Row, encoded: Bool) throws -> String {
        let harness = try CodecHarness()
        try harness.send(row.request)
        let method: HTTPMethod = row.request.hasPrefix("HEAD") ? .HEAD : .GET
        let head = try parse(row.backend, method: method)
        let builder = builder(row)
        let mapper = row.maps ? mapper : nil
        if encoded {
            let bytes = builder.encodeProxied(
                head, version: row.version, keepAlive: row.keepAlive, mapper: { mapper }, allocator: ByteBufferAllocator())
            harness.codec.writeEncodedHead(bytes, version: row.version)
            for part in row.body { harness.codec.writeBodyDirect(ByteBuffer(string: part)) }
            harness.codec.writeEndDirect(promise: nil)
        } else {
            let fields = ProxiedResponseHeaders.build(head.headers, tunnel: false, reverseMapper: mapper)
            let response = builder.head(
                status: head.status, version: row.version, fieldList: fields, keepAlive: row.keepAlive, keepingOrigin: true)
            harness.write(.head(response))
            for part in row.body { harness.write(.body(.byteBuffer(ByteBuffer(string: part)))) }
            harness.write(.end(nil))
            harness.channel.flush()
        }
        return try harness.outboundText()
    }

    @Test(arguments: rows)
    func theBytePathGivesTheExpectedHead(_ row: Row) throws {
        #expect(try Self.send(row, encoded: true) == row.expected)
    }

    @Test(arguments: rows)
    func theStringPathGivesTheSameBytes(_ row: Row) throws {
        #expect(try Self.send(row, encoded: false) == row.expected)
    }

    /// The codec's part of an encoded head: quiescing makes the answer in flight the last, with `Connection: close`,
    /// and no pipelined request after it is taken; a head that ends the connection closes it once written.
    @Test func anEncodedHeadWhileQuiescingSaysCloseAndEndsTheConnection() throws {
        let harness = try CodecHarness()
        try harness.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        let head = try Self.parse(Self.nginx + "Content-Length: 2\r\n", method: .GET)
        let encoded = Self.builder(Row(name: "", backend: "", expected: "")).encodeProxied(
            head, version: .http1_1, keepAlive: true, mapper: { nil }, allocator: ByteBufferAllocator())
        harness.codec.writeEncodedHead(encoded, version: .http1_1)
        harness.codec.writeBodyDirect(ByteBuffer(string: "ok"))
        harness.codec.writeEndDirect(promise: nil)
        #expect(try harness.outboundText() == Self.nginx + "Content-Length: 2\r\nConnection: close\r\n\r\nok")
        #expect(harness.recorder.take() == ["head GET /1", "end"])
        #expect(!harness.channel.isActive)
    }

    @Test func anEncodedHeadThatEndsTheConnectionClosesItAndTakesNoFurtherRequest() throws {
        let harness = try CodecHarness()
        try harness.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
        let head = try Self.parse(Self.nginx + "Content-Length: 2\r\n", method: .GET)
        let encoded = Self.builder(Row(name: "", backend: "", expected: "")).encodeProxied(
            head, version: .http1_1, keepAlive: false, mapper: { nil }, allocator: ByteBufferAllocator())
        harness.codec.writeEncodedHead(encoded, version: .http1_1)
        harness.codec.writeBodyDirect(ByteBuffer(string: "ok"))
        let written = harness.channel.eventLoop.makePromise(of: Void.self)
        harness.codec.writeEndDirect(promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in harness.channel.close(promise: nil) }
        #expect(try harness.outboundText().hasSuffix("Connection: close\r\n\r\nok"))
        #expect(harness.recorder.take() == ["head GET /1", "end"])
        #expect(!harness.channel.isActive)
    }

    /// Persistence and the fields `Connection` names, read once at parse time.
    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\n", true, false),
        ("HTTP/1.1 200 OK\r\nConnection: close\r\n", false, false),
        ("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\n", false, false),
        ("HTTP/1.0 200 OK\r\n", false, false),
        ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n", true, false),
        ("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Secret\r\n", true, true),
    ])
    func keepAliveAndConnectionOptions(_ head: String, keepAlive: Bool, namesFields: Bool) throws {
        let parsed = try Self.parse(head + "Content-Length: 0\r\n", method: .GET)
        #expect(parsed.isKeepAlive == keepAlive)
        #expect(parsed.connectionNamesFields == namesFields)
    }

    /// A body delimited by the close ends the connection whatever `Connection` says (RFC 9112 §9.3): such a
    /// connection must never go back to the pool.
    @Test(arguments: ["HTTP/1.1 200 OK\r\n", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"])
    func aResponseReadUntilCloseIsNeverKeptAlive(_ head: String) throws {
        #expect(try !Self.parse(head, method: .GET).isKeepAlive)
        #expect(try Self.parse(head + "Content-Length: 0\r\n", method: .GET).isKeepAlive)
        #expect(try Self.parse(head, method: .HEAD).isKeepAlive, "no body follows a HEAD answer")
    }

    /// Lines already in the stored form are copied in runs straight from the read, the others written
    /// normalised; however reads cut the head, the stored lines and spans come out the same.
    @Test func storedLinesDoNotDependOnHowReadsCutTheHead() throws {
        let head = "HTTP/1.1 200 OK\r\nServer: s\r\nX-A:a\r\nX-B: b \r\nDate: d\r\nX-Empty: \r\nX-C:\t c\nContent-Length: 0\r\n\r\n"
        let stored = "Server: s\r\nX-A: a\r\nX-B: b\r\nDate: d\r\nX-Empty: \r\nX-C: c\r\nContent-Length: 0\r\n"
        let bytes = Array(head.utf8)
        for cut in [bytes.count] + Array(1..<bytes.count) {
            var parser = HTTP1ResponseParser()
            parser.expectResponse(to: .GET)
            var buffer = ByteBuffer(bytes: bytes[..<cut])
            var event = parser.next(from: &buffer)
            if event == nil {
                buffer.writeBytes(bytes[cut...])
                event = parser.next(from: &buffer)
            }
            guard case .head(let parsed) = event else {
                Issue.record("no head at cut \(cut)")
                continue
            }
            #expect(String(buffer: parsed.lines) == stored, "cut at \(cut)")
            #expect(parsed.first(.date) == "d" && parsed.headers.first(name: "X-C") == "c", "cut at \(cut)")
        }
    }

    @Test func fieldsAreClassifiedAndReadBack() throws {
        let head = try Self.parse(
            "HTTP/1.1 200 OK\r\nx-sendfile:  /srv/f  \r\nCONTENT-TYPE: text/x\r\nContent-Length: 3\r\n", method: .GET)
        #expect(head.fields.map(\.kind) == [.xSendfile, .contentType, .contentLength])
        #expect(head.first(.xSendfile) == "/srv/f")
        #expect(head.first(.contentType) == "text/x")
        #expect(head.headers == HTTPHeaders([("x-sendfile", "/srv/f"), ("CONTENT-TYPE", "text/x"), ("Content-Length", "3")]))
    }
}
