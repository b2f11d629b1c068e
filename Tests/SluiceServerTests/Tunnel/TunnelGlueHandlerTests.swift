import NIOCore
import NIOEmbedded
import Testing

@testable import SluiceServer

/// The tunnel glue on two embedded channels: bytes relayed, a half-close passed on as a half-close, reads
/// from one side only while the other can take them.
@Suite struct TunnelGlueHandlerTests {
    /// Records the outbound events a glue handler sends towards the socket (`read`, `close(mode:)`).
    final class Recorder: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = Any
        var reads = 0
        var closeModes: [CloseMode] = []

        func read(context: ChannelHandlerContext) {
            reads += 1
        }

        func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
            closeModes.append(mode)
            promise?.succeed()
        }
    }

    struct Pair {
        let loop = EmbeddedEventLoop()
        let client: EmbeddedChannel
        let backend: EmbeddedChannel
        let clientRecorder = Recorder()
        let backendRecorder = Recorder()

        init() throws {
            client = EmbeddedChannel(loop: loop)
            backend = EmbeddedChannel(loop: loop)
            let (a, b) = TunnelGlueHandler.matchedPair()
            try client.pipeline.syncOperations.addHandler(clientRecorder)
            try client.pipeline.syncOperations.addHandler(a)
            try backend.pipeline.syncOperations.addHandler(backendRecorder)
            try backend.pipeline.syncOperations.addHandler(b)
        }

        func finish() {
            _ = try? client.finish(acceptAlreadyClosed: true)
            _ = try? backend.finish(acceptAlreadyClosed: true)
        }
    }

    @Test func bytesAreRelayedBothWays() throws {
        let pair = try Pair()
        defer { pair.finish() }
        try pair.client.writeInbound(ByteBuffer(string: "to the backend"))
        pair.client.pipeline.fireChannelReadComplete()
        #expect(try pair.backend.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "to the backend"))
        try pair.backend.writeInbound(ByteBuffer(string: "to the client"))
        pair.backend.pipeline.fireChannelReadComplete()
        #expect(try pair.client.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "to the client"))
    }

    @Test func aHalfCloseIsPassedOnAsAHalfClose() throws {
        let pair = try Pair()
        defer { pair.finish() }
        // The client finished sending: the backend's side is closed for output only, and still read.
        pair.client.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(pair.backendRecorder.closeModes == [.output])
        #expect(pair.clientRecorder.closeModes.isEmpty)
        try pair.backend.writeInbound(ByteBuffer(string: "last words"))
        pair.backend.pipeline.fireChannelReadComplete()
        #expect(try pair.client.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "last words"))
    }

    @Test func readsWaitWhileThePartnerCannotTakeBytes() throws {
        let pair = try Pair()
        defer { pair.finish() }
        pair.backend.isWritable = false
        pair.client.read()
        #expect(pair.clientRecorder.reads == 0)
        pair.backend.isWritable = true
        pair.backend.pipeline.fireChannelWritabilityChanged()
        #expect(pair.clientRecorder.reads == 1)
        pair.client.read()
        #expect(pair.clientRecorder.reads == 2)
    }

    @Test func eitherSideClosingClosesTheOther() throws {
        let pair = try Pair()
        defer { pair.finish() }
        pair.client.pipeline.fireChannelInactive()
        #expect(pair.backendRecorder.closeModes == [.all])
    }
}
