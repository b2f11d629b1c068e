import LighttpdConfig
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SluiceCore

/// What an upstream connection reports to the exchange using it. Called on the connection's event loop.
protocol UpstreamDelegate: AnyObject {
    /// A response head (interim or final), its fields as bytes.
    func upstreamHead(_ head: UpstreamResponseHead)
    /// Body bytes (a slice of the read).
    func upstreamBody(_ bytes: ByteBuffer)
    /// The response is complete (a chunked body's trailer fields are not passed on).
    func upstreamEnd()
    /// A read from the backend is complete: what it delivered may now be flushed to the client as one write.
    func upstreamReadComplete()
    /// The response could not be parsed (→ 502 before the head, close after).
    func upstreamFailed(_ error: Error)
    /// A socket error (a reset, say): the connection is lost, and `upstreamClosed` follows. Only the cause is
    /// news: what the loss means (a replay, another backend, 502, a cut response) is decided on the close.
    func upstreamLost(_ error: Error)
    /// The connection closed.
    func upstreamClosed()
    func upstreamWritabilityChanged(_ writable: Bool)
}

/// One connection to a backend: two handlers, `UpstreamRequestWriter` (requests out, as bytes) and
/// `UpstreamResponseHandler` (responses in, parsed by `HTTP1ResponseParser`), whose response parts go to the
/// exchange that holds it, with reads held while that exchange's client cannot take more (back-pressure).
final class UpstreamConnection: @unchecked Sendable {
    // Everything below is touched on `channel.eventLoop` only.
    let channel: Channel
    let id: UpstreamPoolStateMachine.ConnectionID
    let handler: UpstreamResponseHandler
    let writer: UpstreamRequestWriter

    init(
        channel: Channel, id: UpstreamPoolStateMachine.ConnectionID, handler: UpstreamResponseHandler,
        writer: UpstreamRequestWriter
    ) {
        self.channel = channel
        self.id = id
        self.handler = handler
        self.writer = writer
    }

    var eventLoop: EventLoop { channel.eventLoop }

    /// The exchange now using the connection (nil while idle in the pool).
    func attach(_ delegate: UpstreamDelegate?) {
        eventLoop.preconditionInEventLoop()
        handler.attach(delegate)
        handler.setReadsPaused(false, context: nil)
    }

    func setReadsPaused(_ paused: Bool) {
        eventLoop.preconditionInEventLoop()
        handler.setReadsPaused(paused, context: nil)
    }

    /// Sends an encoded request head (`UpstreamRequestHead`); `request` is the client's head, for its method.
    func writeHead(_ bytes: ByteBuffer, request: HTTPRequestHead, chunked: Bool, flush: Bool) {
        onLoop { writer in
            writer.writeHead(bytes, request: request, chunked: chunked)
            if flush { writer.flush() }
        }
    }

    func writeBody(_ bytes: ByteBuffer, flush: Bool) {
        onLoop { writer in
            writer.writeBody(bytes)
            if flush { writer.flush() }
        }
    }

    /// Ends the request and flushes.
    func writeEnd() {
        onLoop { writer in
            writer.writeEnd()
            writer.flush()
        }
    }

    func flush() {
        onLoop { $0.flush() }
    }

    /// Writes happen on the connection's loop, in the order they were asked for (an exchange on another loop
    /// queues them there, as `Channel.write` would).
    private func onLoop(_ body: @escaping (UpstreamRequestWriter) -> Void) {
        if eventLoop.inEventLoop {
            body(writer)
        } else {
            let bound = UnsafeTransfer((body, writer))
            eventLoop.execute { bound.value.0(bound.value.1) }
        }
    }

    /// Opens a connection on `eventLoop` with the backend's address. A FastCGI or SCGI connection gets the
    /// translator (`BackendProtocolDecoder`) below the response parser; `backendName` and `errorLog` are for
    /// what a FastCGI app writes to `STDERR`.
    static func connect(
        to address: ResolvedBackend.Address, on eventLoop: EventLoop, timeout: TimeAmount,
        id: UpstreamPoolStateMachine.ConnectionID, backendProtocol: BackendProtocol = .http, backendName: String = "",
        errorLog: Logger? = nil
    ) -> EventLoopFuture<UpstreamConnection> {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    let responses = UpstreamResponseHandler()
                    var decoder: BackendProtocolDecoder?
                    if backendProtocol != .http {
                        let translator = BackendProtocolDecoder(backendProtocol, backendName: backendName, errorLog: errorLog)
                        try pipeline.addHandler(translator)
                        decoder = translator
                    }
                    try pipeline.addHandler(
                        UpstreamRequestWriter(
                            responses: responses, protocolDecoder: decoder, isFastCGI: backendProtocol == .fastcgi))
                    try pipeline.addHandler(responses)
                }
            }
        let connected: EventLoopFuture<Channel>
        switch address {
        case .ip(let ip, let port):
            connected = bootstrap.connect(host: ip.description, port: port)
        case .unix(let path):
            connected = bootstrap.connect(unixDomainSocketPath: path)
        }
        return connected.flatMapThrowing { channel in
            let pipeline = channel.pipeline.syncOperations
            return UpstreamConnection(
                channel: channel, id: id, handler: try pipeline.handler(type: UpstreamResponseHandler.self),
                writer: try pipeline.handler(type: UpstreamRequestWriter.self))
        }
    }
}
