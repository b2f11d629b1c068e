import Glibc
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import SluiceServer

/// `UpstreamResponseHandler` on an embedded channel: what the exchange (its delegate) is told, and what
/// the tunnel receives after a 101.
@Suite struct UpstreamResponseHandlerTests {
    /// Records what an exchange would be told, as text.
    final class Recorder: UpstreamDelegate {
        var events: [String] = []
        /// Called on `.end`, as an exchange handing the connection to the next request would.
        var onEnd: (() -> Void)?

        func upstreamHead(_ head: UpstreamResponseHead) { events.append("head \(head.status.code)") }
        func upstreamBody(_ bytes: ByteBuffer) { events.append("body \(String(buffer: bytes))") }
        func upstreamEnd() {
            events.append("end")
            onEnd?()
        }
        func upstreamReadComplete() {}
        func upstreamFailed(_ error: Error) { events.append("failed \(error)") }
        func upstreamLost(_ error: Error) { events.append("lost \(error)") }
        func upstreamClosed() { events.append("closed") }
        func upstreamWritabilityChanged(_ writable: Bool) {}
    }

    /// Collects what passes the handler as plain bytes (the tunnel's glue would).
    final class Sink: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var bytes = ByteBuffer()
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var input = unwrapInboundIn(data)
            bytes.writeBuffer(&input)
        }
    }

    static func setUp(_ methods: [HTTPMethod] = [.GET]) throws -> (EmbeddedChannel, UpstreamResponseHandler, Recorder) {
        let handler = UpstreamResponseHandler()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        let recorder = Recorder()
        handler.delegate = recorder
        for method in methods { handler.expectResponse(to: method) }
        return (channel, handler, recorder)
    }

    @Test func partsSplitAcrossReadsReachTheDelegate() throws {
        let (channel, _, recorder) = try Self.setUp()
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-"))
        try channel.writeInbound(ByteBuffer(string: "Length: 5\r\n\r\nhel"))
        try channel.writeInbound(ByteBuffer(string: "lo"))
        #expect(recorder.events == ["head 200", "body hel", "body lo", "end"])
        #expect(channel.isActive)
    }

    @Test func surplusInTheSameReadIsNotTheNextRequestsResponse() throws {
        let (channel, handler, recorder) = try Self.setUp()
        // The connection goes to the next request as the response ends, inside the read that holds the surplus.
        recorder.onEnd = { handler.expectResponse(to: .GET) }
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n"))
        #expect(recorder.events == ["head 200", "body ok", "end", "closed"])
        #expect(!channel.isActive)
    }

    @Test func aMalformedResponseFailsAndCloses() throws {
        let (channel, _, recorder) = try Self.setUp()
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 2x0 Nope\r\n\r\n"))
        #expect(recorder.events == ["failed \(HTTP1ResponseError.invalidStatusLine)", "closed"])
        #expect(!channel.isActive)
    }

    /// A reset is a lost connection (the close decides what it means), never a malformed response.
    @Test func aSocketErrorIsALossNotAFailure() throws {
        let (channel, _, recorder) = try Self.setUp()
        channel.pipeline.fireErrorCaught(IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)"))
        #expect(recorder.events.count == 2)
        #expect(recorder.events.first?.hasPrefix("lost ") == true)
        #expect(recorder.events.last == "closed")
        #expect(!channel.isActive)
    }

    /// Only an orderly close ends a body read until close: after a reset it was cut short, and the client must
    /// not get a response that looks complete (SPEC §4).
    @Test func aResetInsideABodyReadUntilCloseIsAnError() throws {
        let (channel, _, recorder) = try Self.setUp()
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npartial"))
        channel.pipeline.fireErrorCaught(IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)"))
        #expect(recorder.events.count == 5, "\(recorder.events)")
        #expect(Array(recorder.events.prefix(2)) == ["head 200", "body partial"])
        #expect(recorder.events[2].hasPrefix("lost "))
        #expect(Array(recorder.events.suffix(2)) == ["failed \(HTTP1ResponseError.truncatedBody)", "closed"])
    }

    /// A lease that reaches a connection after it closed (it hopped loops meanwhile) learns of the close at once.
    @Test func attachingToAClosedConnectionReportsTheClose() throws {
        let (channel, handler, recorder) = try Self.setUp()
        handler.delegate = nil
        channel.pipeline.fireChannelInactive()
        #expect(recorder.events.isEmpty)
        handler.attach(recorder)
        #expect(recorder.events == ["closed"])
        #expect(handler.delegate == nil)
    }

    @Test func endOfInputInsideABodyIsAnError() throws {
        let (channel, _, recorder) = try Self.setUp()
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc"))
        channel.pipeline.fireChannelInactive()
        #expect(recorder.events == ["head 200", "body abc", "failed \(HTTP1ResponseError.truncatedBody)", "closed"])
    }

    @Test func endOfInputEndsABodyReadUntilClose() throws {
        let (channel, _, recorder) = try Self.setUp()
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\nabc"))
        channel.pipeline.fireChannelInactive()
        #expect(recorder.events == ["head 200", "body abc", "end", "closed"])
    }

    @Test func bytesAfterA101GoToTheTunnelWhenTheHandlerLeaves() throws {
        let (channel, handler, recorder) = try Self.setUp()
        let sink = Sink()
        try channel.pipeline.syncOperations.addHandler(sink)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nab"))
        try channel.writeInbound(ByteBuffer(string: "cd"))
        #expect(recorder.events == ["head 101", "end"])
        handler.enterTunnelMode()
        channel.pipeline.syncOperations.removeHandler(handler, promise: nil)
        channel.embeddedEventLoop.run()
        #expect(sink.bytes == ByteBuffer(string: "abcd"))
        try channel.writeInbound(ByteBuffer(string: "ef"))
        #expect(sink.bytes == ByteBuffer(string: "abcdef"))
    }
}
