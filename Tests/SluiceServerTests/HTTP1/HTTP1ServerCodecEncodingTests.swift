import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceServer
import Testing

/// `HTTP1ServerCodec` on the way out: heads, framing (length, chunked, none), HEAD, trailers, and
/// buffers and file regions passed through untouched.
@Suite struct HTTP1ServerCodecEncodingTests {
    private struct Row: Sendable, CustomTestStringConvertible {
        var request: String
        var version: HTTPVersion = .http1_1
        var status: HTTPResponseStatus = .ok
        var fields: [(String, String)]
        var body: [String] = []
        var trailers: [(String, String)]? = nil
        var expected: String
        var testDescription: String { "\(request) → \(status.code) \(fields.map(\.0))" }
    }

    private static let get = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"

    private static let rows: [Row] = [
        Row(
            request: get, fields: [("Server", "sluice"), ("Content-Length", "5")], body: ["hello"],
            expected: "HTTP/1.1 200 OK\r\nServer: sluice\r\nContent-Length: 5\r\n\r\nhello"),
        // Neither length nor coding: chunked, empty parts skipped (an empty chunk would end the body).
        Row(
            request: get, fields: [("Content-Type", "text/plain")], body: ["hello", "", String(repeating: "x", count: 26)],
            expected: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n1a\r\n" + String(repeating: "x", count: 26) + "\r\n0\r\n\r\n"),
        Row(
            request: get, fields: [], body: ["ab"], trailers: [("Digest", "x"), ("T", "1")],
            expected: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nDigest: x\r\nT: 1\r\n\r\n"),
        // Both: the length wins and the coding goes (RFC 9112 §6.3).
        Row(
            request: get, fields: [("transfer-encoding", "chunked"), ("content-length", "2")], body: ["ab"],
            expected: "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nab"),
        // No content allowed: framing fields go.
        Row(
            request: get, status: .noContent, fields: [("Content-Length", "0"), ("X", "y")],
            expected: "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n"),
        Row(
            request: get, status: .notModified, fields: [("ETag", "\"1\""), ("Transfer-Encoding", "chunked")],
            expected: "HTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\n\r\n"),
        Row(
            request: get, status: .noContent, fields: [("Transfer-Encoding", "chunked"), ("X", "y")],
            expected: "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n"),
        // HTTP/1.0: no chunking; the body ends with the connection.
        Row(
            request: "GET / HTTP/1.0\r\n\r\n", version: .http1_0, fields: [("Connection", "close")], body: ["raw"],
            expected: "HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nraw"),
        // HEAD: the fields a GET would get, never a body or a chunked terminator.
        Row(
            request: "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n", fields: [("Content-Length", "42")],
            expected: "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n"),
        Row(
            request: "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n", fields: [("Content-Type", "text/plain")], body: ["dropped"],
            expected: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"),
        Row(
            request: get, status: .custom(code: 599, reasonPhrase: "Ünusual"), fields: [("X-Utf8", "värde")],
            body: [], expected: "HTTP/1.1 599 Ünusual\r\nX-Utf8: värde\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ]

    @Test(arguments: rows)
    private func encodes(_ row: Row) throws {
        let harness = try CodecHarness()
        try harness.send(row.request)
        var head = HTTPResponseHead(version: row.version, status: row.status)
        for (name, value) in row.fields { head.headers.add(name: name, value: value) }
        harness.write(.head(head))
        for part in row.body { harness.write(.body(.byteBuffer(ByteBuffer(string: part)))) }
        harness.write(.end(row.trailers.map { HTTPHeaders($0) }))
        harness.channel.flush()
        #expect(try harness.outboundText() == row.expected)
    }

    @Test func interimResponsesComeBeforeTheFinalOne() throws {
        let harness = try CodecHarness()
        try harness.send("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
        harness.write(.head(HTTPResponseHead(version: .http1_1, status: .continue)))
        harness.channel.flush()
        #expect(try harness.outboundText() == "HTTP/1.1 100 Continue\r\n\r\n")
        try harness.send("x")
        harness.respond(body: "ok")
        #expect(try harness.outboundText() == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    }

    @Test func fileRegionsPassThroughAndChunksAreFramedAroundThem() throws {
        let harness = try CodecHarness()
        try harness.send(Self.get)
        let handle = try NIOFileHandle(_deprecatedPath: "/dev/null")
        defer { try? handle.close() }
        let region = FileRegion(fileHandle: handle, readerIndex: 0, endIndex: 3)
        harness.write(.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        harness.write(.body(.fileRegion(region)))
        harness.write(.end(nil))
        harness.channel.flush()
        #expect(
            try harness.outboundText()
                == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n<file 3>\r\n0\r\n\r\n")
    }

    @Test func aHeadIsOneBuffer() throws {
        let harness = try CodecHarness()
        try harness.send(Self.get)
        var head = HTTPResponseHead(version: .http1_1, status: .ok)
        head.headers.add(name: "Content-Length", value: "0")
        head.headers.add(name: "Date", value: "Thu, 01 Jan 1970 00:00:00 GMT")
        harness.write(.head(head))
        harness.channel.flush()
        let buffer = try #require(try harness.channel.readOutbound(as: ByteBuffer.self))
        #expect(String(buffer: buffer) == "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n")
        #expect(try harness.channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test func aSmallBodyJoinsTheHeadsBufferAndALargeOneGoesOnItsOwn() throws {
        let harness = try CodecHarness()
        try harness.send(Self.get)
        harness.respond(body: "hello")
        let joined = try #require(try harness.channel.readOutbound(as: ByteBuffer.self))
        #expect(String(buffer: joined) == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
        #expect(try harness.channel.readOutbound(as: ByteBuffer.self) == nil)

        try harness.send(Self.get)
        let large = String(repeating: "x", count: 5000)
        harness.respond(body: large)
        #expect(String(buffer: try #require(try harness.channel.readOutbound(as: ByteBuffer.self))).hasSuffix("\r\n\r\n"))
        #expect(try harness.channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: large))
    }

    @Test func nothingIsHeldBackPastAFlushOrAClose() throws {
        let harness = try CodecHarness()
        try harness.send(Self.get)
        var head = HTTPResponseHead(version: .http1_1, status: .ok)
        head.headers.add(name: "Content-Length", value: "2")
        harness.write(.head(head))
        #expect(harness.readCounter.writes == 0)  // held until the next write, flush or close
        harness.channel.flush()
        #expect(harness.readCounter.writes == 1)
        harness.write(.body(.byteBuffer(ByteBuffer(string: "ab"))))
        #expect(harness.readCounter.writes == 1)
        harness.channel.close(promise: nil)
        #expect(harness.readCounter.writes == 2)
    }

    @Test func aPromiseOnEndCompletesInOrder() throws {
        let harness = try CodecHarness()
        try harness.send(Self.get)
        harness.respond(body: "x", end: false)
        let ended = harness.channel.write(HTTPServerResponsePart.end(nil))
        harness.channel.flush()
        try ended.wait()
    }
}
