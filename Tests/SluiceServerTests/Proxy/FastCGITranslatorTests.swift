import NIOCore
import NIOHTTP1
@testable import SluiceServer
import Testing

/// FastCGI and SCGI answers turned into HTTP/1.1 for the response parser, and the requests' bytes.
@Suite struct FastCGITranslatorTests {
    static func record(_ type: UInt8, _ content: [UInt8], id: UInt16 = 1, padding: Int = 0) -> [UInt8] {
        [1, type, UInt8(id >> 8), UInt8(id & 0xFF), UInt8(content.count >> 8), UInt8(content.count & 0xFF), UInt8(padding), 0]
            + content + [UInt8](repeating: 0, count: padding)
    }
    static func stdout(_ text: String, padding: Int = 0) -> [UInt8] { record(6, Array(text.utf8), padding: padding) }
    static func end(_ status: UInt8 = 0) -> [UInt8] { record(3, [0, 0, 0, 0, status, 0, 0, 0]) }

    /// Feeds `bytes` in reads of `size` bytes; the HTTP text, the stderr lines and the error, if any.
    static func translate(_ bytes: [UInt8], readSize size: Int, methods: [HTTPMethod] = [.GET])
        -> (http: String, stderr: [String], error: BackendProtocolError?)
    {
        var translator = FastCGIResponseTranslator()
        for method in methods { translator.expectResponse(to: method) }
        var http = "", stderr: [String] = []
        var offset = 0
        while offset < bytes.count {
            let piece = ByteBuffer(bytes: bytes[offset..<min(bytes.count, offset + size)])
            offset += size
            let translation = translator.translate(piece, allocator: ByteBufferAllocator())
            http += String(buffer: translation.http)
            stderr += translation.standardError
            if let error = translation.error { return (http, stderr, error) }
        }
        return (http, stderr, nil)
    }

    /// The same answer split at every byte gives the same HTTP: a head, a chunked body, the last chunk. Padding
    /// and other requests' records are skipped; STDERR is handed back.
    @Test func recordsSplitAnywhereGiveTheSameResponse() {
        let answer =
            Self.stdout("Status: 201 Created\r\nContent-Type: text/plain\r\nX-A: 1\r\n\r\nhel", padding: 5)
            + Self.record(6, Array("other request".utf8), id: 2)
            + Self.record(7, Array("a warning\n".utf8))
            + Self.stdout("lo") + Self.stdout("") + Self.end()
        let expected =
            "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
        for size in [1, 2, 3, 7, 8, 9, 64, 4096] {
            let result = Self.translate(answer, readSize: size)
            #expect(result.error == nil)
            #expect(result.stderr == ["a warning\n"])
            // Body pieces are chunked as they arrive: how many depends on the reads, not the bytes.
            #expect(result.http.hasPrefix(expected), "read size \(size)")
            #expect(result.http.hasSuffix("0\r\n\r\n"))
            let body = result.http.dropFirst(expected.count)
            #expect(Self.dechunk(String(body)) == "hello", "read size \(size): \(body)")
        }
    }

    /// The data of a chunked body (bytes, not Characters: "\r\n" is one Character in Swift).
    static func dechunk(_ text: String) -> String? {
        var rest = Array(text.utf8)[...]
        var out: [UInt8] = []
        while let cr = rest.firstIndex(of: 13) {
            guard let size = Int(String(decoding: rest[..<cr], as: UTF8.self), radix: 16) else { return nil }
            if size == 0 { return String(decoding: out, as: UTF8.self) }
            let start = cr + 2
            guard start + size + 2 <= rest.endIndex else { return nil }
            out += rest[start..<(start + size)]
            rest = rest[(start + size + 2)...]
        }
        return nil
    }

    @Test func sizedBodiesHeadResponsesAndSeveralAnswersOnOneConnection() {
        let sized = Self.stdout("Content-Length: 5\r\n\r\nhello") + Self.end()
        let head = Self.stdout("Content-Type: a\n\nbody ignored") + Self.end()
        let result = Self.translate(sized + head + sized, readSize: 5, methods: [.GET, .HEAD, .GET])
        #expect(result.error == nil)
        #expect(result.http == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
            + "HTTP/1.1 200 OK\r\nContent-Type: a\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
    }

    /// A FastCGI response ends for the parser only with END_REQUEST: the piece that completes a sized body (or a
    /// bodiless response's head) is held until then, so the connection is not reused while the app is still
    /// finishing. Output beyond Content-Length is an error after the complete response (the connection closes).
    @Test func completionWaitsForEndRequest() {
        var translator = FastCGIResponseTranslator()
        translator.expectResponse(to: .GET)
        let allocator = ByteBufferAllocator()
        let head = translator.translate(ByteBuffer(bytes: Self.stdout("Content-Length: 5\r\n\r\nhel")), allocator: allocator)
        #expect(String(buffer: head.http) == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel")
        let last = translator.translate(ByteBuffer(bytes: Self.stdout("lo")), allocator: allocator)
        #expect(last.http.readableBytes == 0 && last.error == nil)
        let end = translator.translate(ByteBuffer(bytes: Self.end()), allocator: allocator)
        #expect(String(buffer: end.http) == "lo" && end.error == nil)

        translator.expectResponse(to: .HEAD)
        let bodiless = translator.translate(ByteBuffer(bytes: Self.stdout("X: 1\r\n\r\nignored")), allocator: allocator)
        #expect(bodiless.http.readableBytes == 0)
        #expect(String(buffer: translator.translate(ByteBuffer(bytes: Self.end()), allocator: allocator).http) == "HTTP/1.1 200 OK\r\nX: 1\r\n\r\n")

        let surplus = Self.translate(Self.stdout("Content-Length: 2\r\n\r\nabc") + Self.end(), readSize: 100)
        #expect(surplus.http == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab" && surplus.error == .surplus)
    }

    @Test func statusRules() throws {
        func head(_ cgi: String) throws(BackendProtocolError) -> String {
            var out = ByteBuffer()
            _ = try CGIResponseHead.translate(ByteBuffer(string: cgi), method: .GET, closeDelimited: false, into: &out)
            return String(buffer: out)
        }
        #expect(try head("Location: /x\r\n\r\n") == "HTTP/1.1 302 Found\r\nLocation: /x\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(try head("Status: 404\r\n\r\n").hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        #expect(try head("Status: 299 Fine Thing\r\n\r\n").hasPrefix("HTTP/1.1 299 Fine Thing\r\n"))
        #expect(try head("HTTP/1.0 503 Busy\r\nRetry-After: 1\r\n\r\n") == "HTTP/1.1 503 Busy\r\nRetry-After: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(try head("Status: 204 No Content\r\nConnection: keep-alive\r\nTransfer-Encoding: x\r\n\r\n") == "HTTP/1.1 204 No Content\r\n\r\n")
        // Compact lines grow (`:` gains its space, LF its CR): a head of many of them still comes out whole.
        let compact = try head(String(repeating: "X:y\n", count: 2000) + "\n")
        #expect(compact == "HTTP/1.1 200 OK\r\n" + String(repeating: "X: y\r\n", count: 2000) + "Transfer-Encoding: chunked\r\n\r\n")
        // Field values pass as bytes, whatever their encoding.
        #expect(try head("X-Name: caf\u{e9}\r\n\r\n").contains("X-Name: caf\u{e9}\r\n"))
        var scgi = ByteBuffer()
        #expect(try CGIResponseHead.translate(ByteBuffer(string: "\r\n"), method: .GET, closeDelimited: true, into: &scgi) == .untilClose)
        #expect(String(buffer: scgi) == "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        for bad in ["no colon\r\n\r\n", "Status: 20\r\n\r\n", "Status: 100 Continue\r\n\r\n", " folded: x\r\n\r\n",
                    "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", "Content-Length: -1\r\n\r\n", "X: a\u{1}b\r\n\r\n"] {
            #expect(throws: BackendProtocolError.self, "\(bad)") { try head(bad) }
        }
    }

    @Test func brokenAnswers() {
        #expect(Self.translate([2, 6, 0, 1, 0, 0, 0, 0], readSize: 8).error == .badRecordVersion(2))
        #expect(Self.translate(Self.end(2), readSize: 3).error == .refused("overloaded"))
        #expect(Self.translate(Self.end(), readSize: 16).error == .noOutput)
        #expect(Self.translate(Self.stdout("X: 1\r\n") + Self.end(), readSize: 16).error == .headIncomplete)
        let cut = Self.translate(Self.stdout("Content-Length: 9\r\n\r\nabc") + Self.end(), readSize: 100)
        // What came before the error is kept: the response is seen as cut, not as never begun.
        #expect(cut.error == .bodyIncomplete && cut.http == "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc")
        let half = String(repeating: "X: y\r\n", count: 5_500)
        let huge = Self.stdout(half) + Self.stdout(half)
        #expect(Self.translate(huge, readSize: 60_000).error == .headTooLarge)
    }

    @Test func requestHeadsAreEncodedAsTheSpecsSay() {
        let long = [UInt8](repeating: UInt8(ascii: "v"), count: 300)
        let variables: [(name: String, value: [UInt8])] = [("CONTENT_LENGTH", Array("3".utf8)), ("LONG", long)]
        var fastcgi = FastCGIRecord.encodeHead(allocator: ByteBufferAllocator(), variables: CGIRequestHead.source(variables))
        // BEGIN_REQUEST: responder role, keep the connection.
        #expect(fastcgi.readBytes(length: 16) == [1, 1, 0, 1, 0, 8, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0])
        // PARAMS: 1-byte lengths below 128, 4 bytes with the high bit above; padded to 8.
        let content = 2 + 14 + 1 + 1 + 4 + 4 + 300
        #expect(fastcgi.readBytes(length: 8) == [1, 4, 0, 1, UInt8(content >> 8), UInt8(content & 0xFF), UInt8((8 - content % 8) % 8), 0])
        #expect(fastcgi.readBytes(length: 2) == [14, 1])
        #expect(fastcgi.readString(length: 15) == "CONTENT_LENGTH3")
        #expect(fastcgi.readBytes(length: 5) == [4, 0x80, 0, 1, 44])
        fastcgi.moveReaderIndex(forwardBy: 4 + 300 + (8 - content % 8) % 8)
        #expect(fastcgi.readBytes(length: 8) == [1, 4, 0, 1, 0, 0, 0, 0])  // the empty PARAMS
        #expect(fastcgi.readableBytes == 0)
        let scgi = SCGIRequestHead.encode(
            allocator: ByteBufferAllocator(),
            variables: CGIRequestHead.source([("CONTENT_LENGTH", Array("3".utf8)), ("REQUEST_METHOD", Array("POST".utf8))]))
        #expect(String(buffer: scgi) == "44:CONTENT_LENGTH\u{0}3\u{0}SCGI\u{0}1\u{0}REQUEST_METHOD\u{0}POST\u{0},")
    }
}
