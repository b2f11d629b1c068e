import NIOCore
import NIOHTTP1
import NIOPosix
import SluiceCore

/// What an upstream connection reports to the exchange using it. Called on the connection's event loop.
protocol UpstreamDelegate: AnyObject {
    func upstreamReceived(_ part: HTTPClientResponsePart)
    /// A read from the backend is complete: what it delivered may now be flushed to the client as one write.
    func upstreamReadComplete()
    /// The response could not be parsed (→ 502 before the head, close after).
    func upstreamFailed(_ error: Error)
    /// The connection closed.
    func upstreamClosed()
    func upstreamWritabilityChanged(_ writable: Bool)
}

/// One connection to a backend: an HTTP/1.1 client pipeline whose response parts go to the exchange that
/// holds it, with reads held while that exchange's client cannot take more (back-pressure).
final class UpstreamConnection: @unchecked Sendable {
    // Everything below is touched on `channel.eventLoop` only.
    let channel: Channel
    let id: UpstreamPoolStateMachine.ConnectionID
    let handler: UpstreamResponseHandler

    init(channel: Channel, id: UpstreamPoolStateMachine.ConnectionID, handler: UpstreamResponseHandler) {
        self.channel = channel
        self.id = id
        self.handler = handler
    }

    var eventLoop: EventLoop { channel.eventLoop }

    /// The exchange now using the connection (nil while idle in the pool).
    func attach(_ delegate: UpstreamDelegate?) {
        eventLoop.preconditionInEventLoop()
        handler.delegate = delegate
        handler.setReadsPaused(false, context: nil)
    }

    func setReadsPaused(_ paused: Bool) {
        eventLoop.preconditionInEventLoop()
        handler.setReadsPaused(paused, context: nil)
    }

    func write(_ part: HTTPClientRequestPart, flush: Bool) {
        if flush {
            channel.writeAndFlush(part, promise: nil)
        } else {
            channel.write(part, promise: nil)
        }
    }

    /// Opens a connection on `eventLoop` with the backend's address.
    static func connect(
        to address: ResolvedBackend.Address, on eventLoop: EventLoop, timeout: TimeAmount,
        id: UpstreamPoolStateMachine.ConnectionID
    ) -> EventLoopFuture<UpstreamConnection> {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(HTTPRequestEncoder())
                    try pipeline.addHandler(
                        ByteToMessageHandler(
                            // After a 101 the bytes the decoder holds come out as an error, which
                            // `UpstreamResponseHandler` turns into plain bytes for the tunnel.
                            HTTPResponseDecoder(leftOverBytesStrategy: .fireError, informationalResponseStrategy: .forward)))
                    try pipeline.addHandler(UpstreamResponseHandler())
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
            let handler = try channel.pipeline.syncOperations.handler(type: UpstreamResponseHandler.self)
            return UpstreamConnection(channel: channel, id: id, handler: handler)
        }
    }
}

/// The last handler of an upstream connection: forwards response parts to the delegate and holds `read`
/// while paused (the GlueHandler idea of swift-nio-examples).
final class UpstreamResponseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    weak var delegate: UpstreamDelegate?
    private var paused = false
    /// After a 101: HTTP parts are dropped and the decoder's left-over bytes are passed on as bytes.
    private var tunnelling = false
    private var pendingRead = false
    private var context: ChannelHandlerContext?
    /// Set when the channel closed; the pool learns it through `onClose`.
    var onClose: (() -> Void)?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !tunnelling else { return }  // the decoder's closing `.end` of the 101
        delegate?.upstreamReceived(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !tunnelling { delegate?.upstreamReadComplete() }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if tunnelling, case ByteToMessageDecoderError.leftoverDataWhenDone(let bytes) = error {
            context.fireChannelRead(NIOAny(bytes))
            return
        }
        delegate?.upstreamFailed(error)
        context.close(promise: nil)
    }

    /// The connection becomes a tunnel: hold socket reads until the HTTP handlers are gone.
    func enterTunnelMode() {
        tunnelling = true
        paused = true
        delegate = nil
        onClose = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamClosed()
        onClose?()
        onClose = nil
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        delegate?.upstreamWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if paused {
            pendingRead = true
        } else {
            context.read()
        }
    }

    func setReadsPaused(_ paused: Bool, context _: ChannelHandlerContext?) {
        self.paused = paused
        if !paused, pendingRead, let context {
            pendingRead = false
            context.read()
        }
    }
}
