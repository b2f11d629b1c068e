import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceServer
import Testing

/// `HTTP1RequestDecoder` in a channel: parts out in order, errors, end of input, upgrade hand-off.
@Suite final class HTTP1RequestDecoderTests {
    let channel = EmbeddedChannel()
    let decoder = HTTP1RequestDecoder()

    init() throws {
        try channel.pipeline.syncOperations.addHandler(decoder)
    }

    deinit {
        _ = try? channel.finish()
    }

    private func readParts() throws -> [String] {
        var parts: [String] = []
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let head): parts.append("head \(head.method.rawValue) \(head.uri)")
            case .body(let bytes): parts.append("body \(String(buffer: bytes))")
            case .end(let trailers): parts.append(trailers == nil ? "end" : "end \(Step.render(trailers!))")
            }
        }
        return parts
    }

    @Test func pipelinedRequestsComeOutInOrder() throws {
        try channel.writeInbound(
            ByteBuffer(
                string:
                    "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n0\r\nT: 1\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(
            try readParts() == ["head GET /1", "end", "head POST /2", "body abc", "end [T: 1]", "head GET /3", "end"])
        #expect(try channel.finish().isClean)
    }

    @Test func aRequestSplitOverReadsIsReassembled() throws {
        for piece in ["PO", "ST /x HTTP/1.1\r", "\nHost: a\r\nContent-Le", "ngth: 4\r\n\r", "\nab", "cd"] {
            try channel.writeInbound(ByteBuffer(string: piece))
        }
        #expect(try readParts() == ["head POST /x", "body ab", "body cd", "end"])
    }

    @Test func anErrorIsFiredOnceAndLaterBytesAreDropped() throws {
        #expect(throws: HTTP1RequestError.missingHost) {
            try self.channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
        }
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(try readParts() == [])
    }

    @Test func endOfInputMidBodyIsAnError() throws {
        try channel.writeInbound(ByteBuffer(string: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nabc"))
        #expect(try readParts() == ["head POST /", "body abc"])
        #expect(throws: HTTP1RequestError.truncatedBody) { _ = try self.channel.finish() }
    }

    @Test func halfCloseMidBodyIsAnError() throws {
        try channel.writeInbound(
            ByteBuffer(string: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(throws: HTTP1RequestError.truncatedBody) { try self.channel.throwIfErrorCaught() }
        #expect(try readParts() == ["head POST /", "body ab"])
    }

    @Test func endOfInputMidHeadIsJustAClose() throws {
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\nX-Partial"))
        #expect(try readParts() == [])
        #expect(try channel.finish().isClean)
    }

    @Test func removalAfterA101PassesTheRemainingBytesOn() throws {
        try channel.writeInbound(
            ByteBuffer(string: "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nRAW"))
        #expect(try readParts() == ["head GET /ws", "end"])
        try channel.writeInbound(ByteBuffer(string: "MORE"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)

        try channel.writeOutbound(HTTPServerResponsePart.head(.init(version: .http1_1, status: .continue)))
        try channel.writeOutbound(HTTPServerResponsePart.head(.init(version: .http1_1, status: .switchingProtocols)))
        let removed = channel.pipeline.syncOperations.removeHandler(decoder)
        channel.embeddedEventLoop.run()
        try removed.wait()
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "RAWMORE"))
        try channel.writeInbound(ByteBuffer(string: "after"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "after"))
    }

    @Test func aDeclinedUpgradeResumesHTTP() throws {
        try channel.writeInbound(
            ByteBuffer(
                string: "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n"
            ))
        #expect(try readParts() == ["head GET /ws", "end"])
        try channel.writeOutbound(HTTPServerResponsePart.head(.init(version: .http1_1, status: .notFound)))
        #expect(try readParts() == [])  // resumes on the next tick, not inside the write
        channel.embeddedEventLoop.run()
        #expect(try readParts() == ["head GET /next", "end"])
    }

    @Test func aResponseToAnEarlierRequestDoesNotEndTheWait() throws {
        try channel.writeInbound(
            ByteBuffer(
                string: "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\nRAW"
            ))
        #expect(try readParts() == ["head GET /1", "end", "head GET /ws", "end"])
        try channel.writeOutbound(HTTPServerResponsePart.head(.init(version: .http1_1, status: .ok)))  // answers /1
        try channel.writeOutbound(HTTPServerResponsePart.head(.init(version: .http1_1, status: .switchingProtocols)))
        channel.embeddedEventLoop.run()
        #expect(try readParts() == [])
        let removed = channel.pipeline.syncOperations.removeHandler(decoder)
        channel.embeddedEventLoop.run()
        try removed.wait()
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "RAW"))
    }

    @Test func connectSwitchesOnA2xxAndResumesOtherwise() throws {
        try channel.writeInbound(
            ByteBuffer(
                string: "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\nCONNECT b:443 HTTP/1.1\r\nHost: b:443\r\n\r\nTLS")
        )
        #expect(try readParts() == ["head CONNECT a:443", "end"])
        try channel.writeOutbound(HTTPServerResponsePart.head(.init(version: .http1_1, status: .forbidden)))
        channel.embeddedEventLoop.run()
        #expect(try readParts() == ["head CONNECT b:443", "end"])
        try channel.writeOutbound(HTTPServerResponsePart.head(.init(version: .http1_1, status: .ok)))
        channel.embeddedEventLoop.run()
        #expect(try readParts() == [])
    }
}
