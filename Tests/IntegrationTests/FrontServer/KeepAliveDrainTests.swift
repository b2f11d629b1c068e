import NIOCore
import NIOPosix
import Testing

/// `server.max-keep-alive-idle` counts from the moment a response is written, not from when its last
/// part was queued: a large file to a slow client is never cut by the keep-alive limit.
@Suite struct KeepAliveDrainTests {
    @Test func aLargeFileToASlowClientIsNotCutByTheKeepAliveLimit() async throws {
        let root = try TemporaryDirectory()
        let size = 32 * 1024 * 1024
        try root.write("big.bin", [UInt8](repeating: 42, count: size))
        let config = "server.document-root = \"\(root.path)\"\nserver.max-keep-alive-idle = 1"
        try await TestSluice.with(config: config) { sluice in
            let counter = WriteIdleTests.Counter()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.autoRead, value: false)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
                }
                .connect(host: "127.0.0.1", port: sluice.port).get()
            try await channel.writeAndFlush(channel.allocator.buffer(string: "GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n")).get()
            // The whole response is queued at once (sendfile regions); the client reads nothing for longer
            // than the keep-alive limit, far from taking in 32 MB.
            try await Task.sleep(for: .milliseconds(2500))
            try await channel.setOption(.autoRead, value: true).get()
            channel.read()
            // It gets the whole file; the connection then closes (1 s after the response was written).
            let deadline = channel.eventLoop.scheduleTask(in: .seconds(30)) { channel.close(promise: nil) }
            try? await channel.closeFuture.get()
            deadline.cancel()
            #expect(counter.count.load(ordering: .relaxed) > size)
        }
    }
}
