import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceServer
import Testing

/// `HTTP1ServerCodec` on the way in: parts out in order, reads split anywhere, end of input, and the
/// upgrade hand-off (raw bytes on after a 101).
@Suite final class HTTP1ServerCodecDecodingTests {
    let harness: CodecHarness
    var channel: EmbeddedChannel { harness.channel }

    init() throws {
        harness = try CodecHarness()
    }

    private func parts() -> [String] { harness.recorder.take() }

    @Test func partsOfOneRequestComeOutInOrder() throws {
        try harness.send(
            "POST /2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\n")
        #expect(parts() == ["head POST /2", "body abc", "end [T: 1]"])
    }

    @Test func aRequestSplitOverReadsIsReassembled() throws {
        for piece in ["PO", "ST /x HTTP/1.1\r", "\nHost: a\r\nContent-Le", "ngth: 4\r\n\r", "\nab", "cd"] {
            try harness.send(piece)
        }
        #expect(parts() == ["head POST /x", "body ab", "body cd", "end"])
    }

    @Test func aRefusedRequestIsAnsweredOnceAndLaterBytesAreDropped() throws {
        try harness.send("GET / HTTP/1.1\r\n\r\n")
        #expect(try harness.outboundText().hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        try? harness.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(parts() == [])
        #expect(try harness.outboundText() == "")
        #expect(!channel.isActive)
    }

    @Test func halfCloseMidBodyIsA400() throws {
        try harness.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(parts() == ["head POST /", "body ab"])
        #expect(try harness.outboundText().hasPrefix("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n"))
        #expect(!channel.isActive)
    }

    @Test func halfCloseMidHeadIsJustTheEnd() throws {
        try harness.send("GET / HTTP/1.1\r\nHost: a\r\nX-Partial")
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(parts() == [])
        #expect(try harness.outboundText() == "")
    }

    @Test func halfCloseWaitsForTheBufferedRequestsToBeParsed() throws {
        // The second request is complete in the buffer when the client half-closes: it is not truncated.
        try harness.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok")
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(parts() == ["head GET /1", "end"])
        harness.respond(body: "1")
        #expect(parts() == ["head POST /2", "body ok", "end"])
        #expect(try harness.outboundText() == "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1")
    }

    @Test func removalAfterA101PassesTheRemainingBytesOn() throws {
        try harness.send("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nRAW")
        #expect(parts() == ["head GET /ws", "end"])
        try harness.send("MORE")
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)

        harness.write(.head(.init(version: .http1_1, status: .continue)))
        harness.write(.head(.init(version: .http1_1, status: .switchingProtocols)))
        harness.write(.end(nil))
        channel.flush()
        #expect(try harness.outboundText() == "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n")
        channel.embeddedEventLoop.run()
        #expect(parts() == [])
        try channel.pipeline.syncOperations.removeHandler(harness.recorder).wait()
        let removed = channel.pipeline.syncOperations.removeHandler(harness.codec)
        channel.embeddedEventLoop.run()
        try removed.wait()
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "RAWMORE"))
        try harness.send("after")
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "after"))
    }

    @Test func aDeclinedUpgradeResumesHTTPAfterTheResponse() throws {
        try harness.send(
            "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(parts() == ["head GET /ws", "end"])
        harness.respond(.notFound, end: false)
        #expect(parts() == [])
        harness.write(.end(nil))
        #expect(parts() == ["head GET /next", "end"])
    }

    @Test func connectSwitchesOnA2xxAndResumesOtherwise() throws {
        try harness.send("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\nCONNECT b:443 HTTP/1.1\r\nHost: b:443\r\n\r\nTLS")
        #expect(parts() == ["head CONNECT a:443", "end"])
        harness.respond(.forbidden)
        #expect(parts() == ["head CONNECT b:443", "end"])
        harness.respond(.ok)
        channel.embeddedEventLoop.run()
        #expect(parts() == [])
    }

    @Test func aBodyIsPassedOnWhileItsResponseIsStillPending() throws {
        try harness.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabc")
        harness.respond(.ok, body: "early", end: false)
        try harness.send("def")
        #expect(parts() == ["head POST /up", "body abc", "body def", "end"])
    }
}
