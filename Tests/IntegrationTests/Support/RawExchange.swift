import NIOCore
import NIOPosix
import Synchronization

/// Sends raw bytes to a server and collects everything it answers until it closes the connection or the
/// deadline passes: for requests no well-behaved client library would send (bad framing, NUL bytes,
/// pipelining in one packet, trickled heads).
enum RawExchange {
    /// Sends `chunks` (each after `pause` of the previous), then reads until close or `timeout` (which only stops
    /// a hang: callers expect the server to close, so it is long enough for a loaded machine).
    static func send(
        _ chunks: [[UInt8]], port: Int, pause: TimeAmount = .zero, timeout: TimeAmount = .seconds(30)
    ) async throws -> [UInt8] {
        try await exchange(chunks, port: port, pause: pause, timeout: timeout).bytes
    }

    /// `send`, also saying whether the server closed the connection (false: the deadline did).
    static func exchange(
        _ chunks: [[UInt8]], port: Int, pause: TimeAmount = .zero, timeout: TimeAmount = .seconds(30)
    ) async throws -> (bytes: [UInt8], closedByServer: Bool) {
        let timedOut = Mutex(false)
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        for (index, chunk) in chunks.enumerated() {
            if index > 0 && pause > .zero { try await Task.sleep(nanoseconds: UInt64(pause.nanoseconds)) }
            try await channel.writeAndFlush(channel.allocator.buffer(bytes: chunk)).get()
        }
        let deadline = channel.eventLoop.scheduleTask(in: timeout) {
            timedOut.withLock { $0 = true }
            channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
        deadline.cancel()
        return (collector.bytes, !timedOut.withLock { $0 })
    }

    /// Sends `text`, reads until at least `bytes` bytes arrived (or 30 s, a bound that only stops a hang), then
    /// closes: a client that leaves in the middle of a response.
    static func sendAndLeave(_ text: String, port: Int, after bytes: Int) async throws -> Int {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(channel.allocator.buffer(string: text)).get()
        let deadline = ContinuousClock.now + .seconds(30)
        while collector.bytes.count < bytes && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try? await channel.close()
        return collector.bytes.count
    }

    /// Writes `head` and then `bodySize` bytes without waiting for them to be taken, and collects the answer
    /// until the server closes or `timeout`: a client uploading to a server that stops reading it.
    static func upload(head: String, bodySize: Int, port: Int, timeout: TimeAmount = .seconds(30)) async throws -> String {
        try await uploadReportingWrite(head: head, bodySize: bodySize, port: port, timeout: timeout).answer
    }

    /// `upload`, also saying whether the whole body was written: false when the server stopped taking it.
    static func uploadReportingWrite(
        head: String, bodySize: Int, port: Int, timeout: TimeAmount = .seconds(30)
    ) async throws -> (answer: String, bodyWritten: Bool) {
        let collector = Collector()
        let bodyWritten = Mutex(false)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        channel.write(channel.allocator.buffer(string: head), promise: nil)
        var body = channel.allocator.buffer(capacity: bodySize)
        body.writeRepeatingByte(UInt8(ascii: "x"), count: bodySize)
        channel.writeAndFlush(body).whenSuccess { bodyWritten.withLock { $0 = true } }
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        try? await channel.closeFuture.get()
        deadline.cancel()
        return (String(decoding: collector.bytes, as: UTF8.self), bodyWritten.withLock { $0 })
    }

    static func send(_ text: String, port: Int, timeout: TimeAmount = .seconds(30)) async throws -> String {
        String(decoding: try await send([Array(text.utf8)], port: port, timeout: timeout), as: UTF8.self)
    }

    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        private let received = Mutex<[UInt8]>([])

        var bytes: [UInt8] { received.withLock { $0 } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            let chunk = buffer.readBytes(length: buffer.readableBytes) ?? []
            received.withLock { $0.append(contentsOf: chunk) }
        }
    }
}

extension String {
    /// The status codes of every response in a raw exchange, in order.
    var statusCodes: [Int] {
        var codes: [Int] = []
        var rest = self[...]
        while let range = rest.range(of: "HTTP/1.1 ") {
            let code = rest[range.upperBound...].prefix(3)
            if let value = Int(code) { codes.append(value) }
            rest = rest[range.upperBound...]
        }
        return codes
    }
}
