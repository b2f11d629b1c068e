import NIOCore
import NIOHTTP1
import SluiceServer
import Testing

/// The parser must give the same events however the input is cut into reads, must not read past
/// what it returns, and must leave the bytes after an upgrade untouched.
@Suite struct HTTP1RequestParserStreamTests {
    static let requests: [String] = [
        // A chunked POST with extensions and trailers, then a pipelined GET.
        "\r\nPOST /up?x=1 HTTP/1.1\r\nHost: ex.com\r\nTransfer-Encoding: chunked\r\nX-A:  b \r\n\r\n"
            + "5;e=1\r\nhello\r\nD\r\n, split w0rld\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: ex.com\r\n\r\n",
        // Absolute-form with a Content-Length body, then a pipelined request with an error.
        "PUT http://ex.com:81/a%20b HTTP/1.1\r\nHost: ignored\r\nContent-Length: 007\r\n\r\nbody!!!"
            + "GET / HTTP/1.1\nHost: a\nBad Name: x\n\n",
        // An upgrade request followed by bytes of the new protocol.
        "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n\u{1}\u{2}GET / HTTP/1.1\r\n",
    ]

    @Test(arguments: requests)
    func everySplitGivesTheSameEvents(_ text: String) {
        let bytes = Array(text.utf8)
        let whole = runParser([bytes])
        #expect(!whole.steps.isEmpty)
        for cut in 1..<bytes.count {
            let split = runParser([Array(bytes[..<cut]), Array(bytes[cut...])])
            #expect(split.steps == whole.steps, "cut at \(cut)")
            #expect(split.leftover == whole.leftover, "cut at \(cut)")
        }
    }

    @Test(arguments: requests)
    func byteByByteGivesTheSameEvents(_ text: String) {
        let bytes = Array(text.utf8)
        let whole = runParser([bytes])
        let trickled = runParser(bytes.map { [$0] })
        #expect(trickled.steps == whole.steps)
        #expect(trickled.leftover == whole.leftover)
    }

    @Test func theSplitTestsSeeWhatTheyShould() {
        #expect(
            runParser(Self.requests[0]) == [
                .head("POST /up?x=1 HTTP/1.1 [Host: ex.com][Transfer-Encoding: chunked][X-A: b]"),
                .body("hello, split w0rld"), .end("[X-Trailer: t]"), .head("GET /next HTTP/1.1 [Host: ex.com]"),
                .end(nil),
            ])
        #expect(
            runParser(Self.requests[1]) == [
                .head("PUT /a%20b HTTP/1.1 [Host: ex.com:81][Content-Length: 7]"), .body("body!!!"), .end(nil),
                .error(.invalidHeaderName),
            ])
    }

    @Test func upgradeLeavesTheFollowingBytesInTheBuffer() {
        let result = runParser([Array(Self.requests[2].utf8)])
        #expect(result.steps.last == .paused)
        #expect(result.leftover == Array("\u{1}\u{2}GET / HTTP/1.1\r\n".utf8))
    }

    @Test func declinedUpgradeResumesParsing() {
        var parser = HTTP1RequestParser()
        var buffer = ByteBuffer(
            string: "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n")
        guard case .head = parser.next(from: &buffer) else {
            Issue.record("no head")
            return
        }
        #expect(parser.asksToSwitchProtocols)
        #expect(parser.next(from: &buffer) == .end(nil))
        #expect(parser.isPausedForUpgrade)
        #expect(parser.next(from: &buffer) == nil)
        parser.upgradeDeclined()
        guard case .head(let next) = parser.next(from: &buffer) else {
            Issue.record("no second head")
            return
        }
        #expect(next.uri == "/b")
    }

    @Test func upgradeDeclinedBeforeTheEndDoesNotPause() {
        var parser = HTTP1RequestParser()
        var buffer = ByteBuffer(string: "POST /u HTTP/1.1\r\nHost: a\r\nUpgrade: x\r\nContent-Length: 1\r\n\r\n")
        guard case .head = parser.next(from: &buffer) else {
            Issue.record("no head")
            return
        }
        parser.upgradeDeclined()
        buffer.writeString("zGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(parser.next(from: &buffer) == .body(ByteBuffer(string: "z")))
        #expect(parser.next(from: &buffer) == .end(nil))
        #expect(!parser.isPausedForUpgrade)
        guard case .head = parser.next(from: &buffer) else {
            Issue.record("no second head")
            return
        }
    }

    @Test func doesNotReadAheadOfTheEventItReturns() {
        var parser = HTTP1RequestParser()
        let first = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n"
        var buffer = ByteBuffer(string: first + "abcGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        let total = buffer.readableBytes
        guard case .head = parser.next(from: &buffer) else {
            Issue.record("no head")
            return
        }
        #expect(buffer.readerIndex == first.utf8.count)
        #expect(parser.next(from: &buffer) == .body(ByteBuffer(string: "abc")))
        #expect(parser.next(from: &buffer) == .end(nil))
        #expect(buffer.readableBytes == total - first.utf8.count - 3)
    }

    @Test func bodySlicesShareTheInputStorage() {
        var parser = HTTP1RequestParser()
        var buffer = ByteBuffer(string: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody")
        _ = parser.next(from: &buffer)
        guard case .body(let slice) = parser.next(from: &buffer) else {
            Issue.record("no body")
            return
        }
        #expect(isSlice(slice, of: buffer))
    }

    @Test func invalidUTF8IsRefusedInTargetAndValues() {
        let badTarget: [UInt8] = Array("GET /a".utf8) + [0xFF, 0xFE] + Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        #expect(runParser([badTarget]).steps == [.error(.invalidTarget)])
        let overlong: [UInt8] = Array("GET /a".utf8) + [0xC0, 0xAF] + Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        #expect(runParser([overlong]).steps == [.error(.invalidTarget)])
        let badValue: [UInt8] = Array("GET / HTTP/1.1\r\nHost: a\r\nX: caf".utf8) + [0xE9] + Array("\r\n\r\n".utf8)
        #expect(runParser([badValue]).steps == [.error(.invalidHeaderValue)])
    }

    @Test func limitsFromConfigValues() {
        let limits = HTTP1RequestLimits(maxRequestFieldSize: 4096, maxRequestSizeKiB: 2)
        #expect(limits.maxRequestFieldSize == 4096)
        #expect(limits.maxRequestBodySize == 2048)
        #expect(HTTP1RequestLimits(maxRequestFieldSize: 8192, maxRequestSizeKiB: 0).maxRequestBodySize == nil)
        #expect(HTTP1RequestLimits().maxRequestFieldSize == 8192)
        #expect(HTTP1RequestLimits().maxHeaderCount == 100)
    }
}
