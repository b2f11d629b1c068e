import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Streaming without buffering (issue 4): while the client reads nothing, a backend sending a large body
/// is held back by Sluice (it stops reading the backend when the client is not taking bytes), instead of
/// Sluice reading the whole body into memory; once the client reads, every byte arrives.
@Suite struct BackPressureTests {
    /// A backend that answers any request with `size` bytes, written whenever its connection is writable,
    /// and counts what the kernel accepted.
    final class StreamingBackend: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let size: Int
        let written = Atomic<Int>(0)
        private var started = false
        private var remaining = 0

        init(size: Int) { self.size = size }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !started else { return }
            started = true
            remaining = size
            context.write(wrapOutboundOut(context.channel.allocator.buffer(string: "HTTP/1.1 200 OK\r\nContent-Length: \(size)\r\n\r\n")), promise: nil)
            pump(context)
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if context.channel.isWritable { pump(context) }
        }

        private func pump(_ context: ChannelHandlerContext) {
            while remaining > 0 && context.channel.isWritable {
                let count = min(remaining, 64 * 1024)
                remaining -= count
                var chunk = context.channel.allocator.buffer(capacity: count)
                chunk.writeRepeatingByte(UInt8(ascii: "z"), count: count)
                context.writeAndFlush(wrapOutboundOut(chunk)).whenSuccess { [self] in
                    written.add(count, ordering: .relaxed)
                }
            }
        }
    }

    /// Counts the bytes a client receives; it reads nothing until `autoRead` is switched on.
    final class Counter: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Atomic<Int>(0)
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received.add(unwrapInboundIn(data).readableBytes, ordering: .relaxed)
        }
    }

    @Test func aClientThatReadsNothingHoldsTheBackendBack() async throws {
        // Large enough that the kernel's buffers cannot hide it all: two loopback connections, each with a
        // receive buffer that may grow to tcp_rmem's maximum (32 MB here) and a send buffer (4 MB), hold at
        // most ~72 MB, so a backend that got 128 MB out was not held back.
        let size = 256 << 20
        let handler = StreamingBackend(size: size)
        let backend = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { backend.close(promise: nil) }
        let config = """
            server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
            proxy-core.backends = ( "127.0.0.1:\(backend.localAddress?.port ?? 0)" )
            """
        try await TestSluice.with(config: config) { sluice in
            let counter = Counter()
            let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.autoRead, value: false)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
                }
                .connect(host: "127.0.0.1", port: sluice.port).get()
            try await client.writeAndFlush(client.allocator.buffer(string: "GET /big HTTP/1.1\r\nHost: a\r\n\r\n")).get()
            // Wait until the backend has started and then made no progress for half a second (the bound, 30 s,
            // only stops a hang): without back-pressure it would write all 256 MB, into Sluice's memory.
            let clock = ContinuousClock()
            let settleDeadline = clock.now + .seconds(30)
            var last = -1
            var unchangedSince = clock.now
            while clock.now < settleDeadline {
                try await Task.sleep(for: .milliseconds(50))
                let now = handler.written.load(ordering: .relaxed)
                if now != last {
                    last = now
                    unchangedSince = clock.now
                } else if now > 0 && clock.now - unchangedSince >= .milliseconds(500) {
                    break
                }
            }
            let held = handler.written.load(ordering: .relaxed)
            #expect(held > 0)
            #expect(held < 128 << 20, "the backend wrote \(held) bytes to a client that read none")
            // Now the client reads: everything arrives. A debug build on a loaded machine may take long for 256 MB,
            // so this fails only if the count stops growing for 10 s (or after 120 s in all): bounds that only
            // stop a hang.
            try await client.setOption(.autoRead, value: true).get()
            client.read()
            let readDeadline = clock.now + .seconds(120)
            var received = counter.received.load(ordering: .relaxed)
            var grewAt = clock.now
            while received < size && clock.now - grewAt < .seconds(10) && clock.now < readDeadline {
                try await Task.sleep(for: .milliseconds(25))
                let now = counter.received.load(ordering: .relaxed)
                if now != received {
                    received = now
                    grewAt = clock.now
                }
            }
            #expect(received >= size, "received \(received) of \(size) bytes")
            try? await client.close()
        }
    }
}
