import NIOCore
import NIOPosix
import Synchronization
import Testing

/// `server.max-write-idle`: a client that stops reading a response is disconnected, the error log says so,
/// and what it reads afterwards ends short of the response (never a complete-looking answer).
@Suite struct WriteIdleTests {
    final class Counter: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let count = Atomic<Int>(0)

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            count.add(unwrapInboundIn(data).readableBytes, ordering: .relaxed)
        }
    }

    @Test func aClientThatStopsReadingIsDisconnected() async throws {
        let root = try TemporaryDirectory()
        let size = 48 * 1024 * 1024
        try root.write("big.bin", [UInt8](repeating: 42, count: size))
        let log = CapturedLog()
        let config = "server.document-root = \"\(root.path)\"\nserver.max-write-idle = 1"
        try await TestSluice.with(config: config, errorLog: log.logger) { sluice in
            let counter = Counter()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.autoRead, value: false)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
                }
                .connect(host: "127.0.0.1", port: sluice.port).get()
            try await channel.writeAndFlush(channel.allocator.buffer(string: "GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n")).get()
            // The client reads nothing; the server gives up after 1 s of an unwritable connection (the 30 s bound
            // only stops a hang).
            let stalled = try await eventually(within: .seconds(30), every: .milliseconds(25)) {
                !log.messages(containing: "server.max-write-idle").isEmpty
            }
            #expect(stalled)
            // Reading now drains what the kernels buffered, then the close: far less than the whole file.
            try await channel.setOption(.autoRead, value: true).get()
            channel.read()
            let deadline = channel.eventLoop.scheduleTask(in: .seconds(20)) { channel.close(promise: nil) }
            try? await channel.closeFuture.get()
            deadline.cancel()
            #expect(counter.count.load(ordering: .relaxed) < size)
        }
    }
}
