import NIOCore
import NIOHTTP1
@testable import SluiceServer
import Testing

private let allRows = statusLineRows + responseHeaderRows + responseFramingRows + responseFlowRows

/// The response parser against its vectors, fed whole, cut in two at every byte, and byte by byte:
/// the events (and the bytes left unconsumed) must not depend on how reads cut the input.
@Suite struct HTTP1ResponseParserTableTests {
    @Test(arguments: allRows)
    func row(_ row: ResponseRow) {
        let result = runResponseParser(
            [Array(row.input.utf8)], methods: row.methods, limits: row.limits, endOfInput: row.endOfInput)
        #expect(result.steps == row.expected)
    }

    @Test(arguments: allRows)
    func everySplitGivesTheSameEvents(_ row: ResponseRow) {
        let bytes = Array(row.input.utf8)
        let whole = runResponseParser([bytes], methods: row.methods, limits: row.limits, endOfInput: row.endOfInput)
        for cut in 1..<max(1, bytes.count) {
            let split = runResponseParser(
                [Array(bytes[..<cut]), Array(bytes[cut...])], methods: row.methods, limits: row.limits,
                endOfInput: row.endOfInput)
            #expect(split.steps == whole.steps, "cut at \(cut)")
            #expect(split.leftover == whole.leftover, "cut at \(cut)")
        }
        let trickled = runResponseParser(
            bytes.map { [$0] }, methods: row.methods, limits: row.limits, endOfInput: row.endOfInput)
        #expect(trickled.steps == whole.steps)
        #expect(trickled.leftover == whole.leftover)
    }

    @Test func bytesAfterA101AreLeftInTheBuffer() {
        let input = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u{81}\u{2}hiHTTP/1.1 200 OK\r\n"
        let result = runResponseParser([Array(input.utf8)])
        #expect(result.steps.last == .switched)
        #expect(result.leftover == Array("\u{81}\u{2}hiHTTP/1.1 200 OK\r\n".utf8))
    }

    @Test func obsTextInAValueIsDecodedWithReplacement() {
        // NIO's decoder let such bytes through as `String(decoding:)` does; a backend's Latin-1 filename is no
        // reason for a 502.
        let latin1: [UInt8] = Array("HTTP/1.1 200 OK\r\nX: caf".utf8) + [0xE9] + Array("\r\nContent-Length: 0\r\n\r\n".utf8)
        #expect(
            runResponseParser([latin1]).steps == [.head("HTTP/1.1 200 [X: caf\u{FFFD}][Content-Length: 0]"), .end(nil)])
    }

    @Test func doesNotReadAheadOfTheEventItReturns() {
        var parser = HTTP1ResponseParser()
        parser.expectResponse(to: .GET)
        parser.expectResponse(to: .GET)
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"
        var buffer = ByteBuffer(string: head + "abcHTTP/1.1 2")
        guard case .head(let parsed) = parser.next(from: &buffer) else {
            Issue.record("no head")
            return
        }
        #expect(parsed.status == .ok)
        #expect(buffer.readerIndex == head.utf8.count)
        #expect(parser.next(from: &buffer) == .body(ByteBuffer(string: "abc")))
        #expect(parser.next(from: &buffer) == .end(nil))
        #expect(parser.next(from: &buffer) == nil)
        #expect(buffer.readableBytes == "HTTP/1.1 2".utf8.count)
    }

    @Test func bodySlicesShareTheInputStorage() {
        var parser = HTTP1ResponseParser()
        parser.expectResponse(to: .GET)
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody")
        _ = parser.next(from: &buffer)
        guard case .body(let slice) = parser.next(from: &buffer) else {
            Issue.record("no body")
            return
        }
        #expect(isSlice(slice, of: buffer))
    }

    @Test func aRequestToldLaterClaimsTheNextResponse() {
        var parser = HTTP1ResponseParser()
        var buffer = ByteBuffer()
        #expect(parser.next(from: &buffer) == nil)
        parser.expectResponse(to: .HEAD)
        buffer.writeString("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n")
        guard case .head = parser.next(from: &buffer) else {
            Issue.record("no head")
            return
        }
        #expect(parser.next(from: &buffer) == .end(nil))
        #expect(parser.inputEnded(unconsumed: 0) == nil)
    }

    @Test func theHeadCarriesVersionStatusAndFieldsInOrder() {
        var parser = HTTP1ResponseParser()
        parser.expectResponse(to: .GET)
        var buffer = ByteBuffer(
            string: "HTTP/1.0 404 Not Found\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nConnection: close\r\n\r\n")
        guard case .head(let head) = parser.next(from: &buffer) else {
            Issue.record("no head")
            return
        }
        #expect(head.version == .http1_0)
        #expect(head.status == .notFound)
        #expect(head.headers["Set-Cookie"] == ["a=1", "b=2"])
        #expect(!head.isKeepAlive)
    }
}
