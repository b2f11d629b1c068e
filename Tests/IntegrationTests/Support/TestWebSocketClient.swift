import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A WebSocket client for integration tests (RFC 6455, client side: every frame it sends is masked).
///
///     try await TestWebSocketClient.withConnection(port: worker.port, target: "/ws") { socket in
///         try await socket.send(.text, ByteBuffer(string: "hi"))
///         let message = try await socket.receiveMessage()
///     }
///
/// Bounded by a deadline like ``TestHTTPClient``; the connection is closed when `body` returns or throws.
enum TestWebSocketClient {
    /// The largest frame accepted from the server.
    static let maximumFrameSize = 16 << 20

    private enum Upgrade: Sendable {
        case upgraded(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, HTTPResponseHead)
        case refused(Channel)
    }

    static func withConnection<Result: Sendable>(
        host: String = "127.0.0.1",
        port: Int,
        target: String = "/ws",
        headers: [(String, String)] = [],
        timeout: Duration = .seconds(10),
        _ body: (TestWebSocketConnection) async throws -> Result
    ) async throws -> Result {
        var requestHeaders = HTTPHeaders(headers)
        if !requestHeaders.contains(name: "Host") {
            requestHeaders.add(name: "Host", value: "\(host):\(port)")
        }
        let requestHead = HTTPRequestHead(version: .http1_1, method: .GET, uri: target, headers: requestHeaders)
        let negotiation: EventLoopFuture<Upgrade> = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(
                        maxFrameSize: Self.maximumFrameSize,
                        upgradePipelineHandler: { channel, responseHead in
                            channel.eventLoop.makeCompletedFuture {
                                let socket = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
                                    wrappingChannelSynchronously: channel
                                )
                                return Upgrade.upgraded(socket, responseHead)
                            }
                        }
                    )
                    var configuration = NIOUpgradableHTTPClientPipelineConfiguration(
                        upgradeConfiguration: NIOTypedHTTPClientUpgradeConfiguration(
                            upgradeRequestHead: requestHead,
                            upgraders: [upgrader],
                            notUpgradingCompletionHandler: { channel in
                                channel.eventLoop.makeSucceededFuture(Upgrade.refused(channel))
                            }
                        )
                    )
                    configuration.leftOverBytesStrategy = .forwardBytes
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: configuration
                    )
                }
            }
        let channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>
        let responseHead: HTTPResponseHead
        switch try await negotiation.get() {
        case .upgraded(let socket, let head):
            (channel, responseHead) = (socket, head)
        case .refused(let plain):
            try? await plain.close()
            throw TestClientError.unexpected("refusal of the WebSocket upgrade to \(target)")
        }
        let deadline = TestConnectionDeadline(channel: channel.channel, timeout: timeout)
        defer { deadline.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            let connection = TestWebSocketConnection(
                inbound: inbound.makeAsyncIterator(),
                outbound: outbound,
                upgradeResponse: responseHead,
                deadline: deadline
            )
            return try await body(connection)
        }
    }
}

/// An upgraded WebSocket connection.
final class TestWebSocketConnection {
    /// A complete data message, reassembled from its frames.
    struct Message: Sendable {
        let opcode: WebSocketOpcode
        let data: ByteBuffer
        /// How many frames carried it.
        let frameCount: Int
    }

    /// The server's `101 Switching Protocols`.
    let upgradeResponse: HTTPResponseHead
    private var inbound: NIOAsyncChannelInboundStream<WebSocketFrame>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
    private let deadline: TestConnectionDeadline

    init(
        inbound: NIOAsyncChannelInboundStream<WebSocketFrame>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>,
        upgradeResponse: HTTPResponseHead,
        deadline: TestConnectionDeadline
    ) {
        self.inbound = inbound
        self.outbound = outbound
        self.upgradeResponse = upgradeResponse
        self.deadline = deadline
    }

    /// Sends one frame, masked with a fresh random key (RFC 6455 §5.3); `masked: false` breaks that rule on
    /// purpose, to test a server's checks.
    func send(_ opcode: WebSocketOpcode, _ data: ByteBuffer, fin: Bool = true, masked: Bool = true) async throws {
        let frame = WebSocketFrame(fin: fin, opcode: opcode, maskKey: masked ? .random() : nil, data: data)
        do {
            try await self.outbound.write(frame)
        } catch {
            if self.deadline.hasExpired { throw TestClientError.timedOut("sending a WebSocket frame") }
            throw error
        }
    }

    /// Sends `data` as one message split into frames of at most `fragmentSize` bytes.
    func sendMessage(_ opcode: WebSocketOpcode, _ data: ByteBuffer, fragmentSize: Int) async throws {
        var rest = data
        var frameOpcode = opcode
        repeat {
            let piece = rest.readSlice(length: min(fragmentSize, rest.readableBytes))!
            try await self.send(frameOpcode, piece, fin: rest.readableBytes == 0)
            frameOpcode = .continuation
        } while rest.readableBytes > 0
    }

    /// The next frame from the server, payload unmasked; `nil` when the connection has closed.
    func receiveFrame() async throws -> WebSocketFrame? {
        let frame: WebSocketFrame?
        do {
            frame = try await self.inbound.next()
        } catch {
            if self.deadline.hasExpired { throw TestClientError.timedOut("waiting for a WebSocket frame") }
            throw error
        }
        if frame == nil, self.deadline.hasExpired {
            throw TestClientError.timedOut("waiting for a WebSocket frame")
        }
        return frame.map { WebSocketFrame(fin: $0.fin, opcode: $0.opcode, data: $0.unmaskedData) }
    }

    /// The next data message, reassembled from a text/binary frame and its continuations. A control frame
    /// or an early close in between is an error (use ``receiveFrame()`` to see those).
    func receiveMessage() async throws -> Message {
        guard let first = try await self.receiveFrame() else {
            throw TestClientError.closed("waiting for a WebSocket message")
        }
        guard first.opcode == .text || first.opcode == .binary else {
            throw TestClientError.unexpected("\(first.opcode) frame while waiting for a data message")
        }
        var data = first.data
        var frames = 1
        var fin = first.fin
        while !fin {
            guard let next = try await self.receiveFrame() else {
                throw TestClientError.closed("in the middle of a fragmented WebSocket message")
            }
            guard next.opcode == .continuation else {
                throw TestClientError.unexpected("\(next.opcode) frame inside a fragmented message")
            }
            var piece = next.data
            data.writeBuffer(&piece)
            frames += 1
            fin = next.fin
        }
        return Message(opcode: first.opcode, data: data, frameCount: frames)
    }

    /// Starts the closing handshake with `code` and returns the server's close frame (its payload).
    func close(code: UInt16 = 1000) async throws -> WebSocketFrame {
        var payload = ByteBuffer()
        payload.writeInteger(code)
        try await self.send(.connectionClose, payload)
        while let frame = try await self.receiveFrame() {
            if frame.opcode == .connectionClose {
                return frame
            }
        }
        throw TestClientError.closed("before the server's close frame")
    }
}
