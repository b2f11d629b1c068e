import NIOCore
import NIOHTTP1

/// The last handler of an upstream connection: parses the backend's bytes (`HTTP1ResponseParser`) and hands
/// the response parts straight to the delegate, and holds `read` while paused (the GlueHandler idea of
/// swift-nio-examples).
///
/// The parts go to the delegate as calls, not through the pipeline: no `NIOAny` box per part, no handler in
/// between. Body parts are slices of the read buffer; what a read leaves unparsed (part of a line) is kept
/// and the next read appended to it.
///
/// After a `101 Switching Protocols` the parser stops; the bytes that follow are kept until the tunnel setup
/// removes this handler, which passes them on as plain bytes (to the tunnel's glue) as it leaves. Reads are
/// held meanwhile (`enterTunnelMode`), so no byte can overtake them.
final class UpstreamResponseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The exchange using the connection. Strong, and cleared explicitly (`UpstreamConnection.attach(nil)` when
    /// the connection goes back to its pool, on close, on entering a tunnel): a `weak` reference would give every
    /// exchange a side table, which makes each retain and release of it take the slow path.
    var delegate: UpstreamDelegate?
    private var parser = HTTP1ResponseParser()
    /// Bytes read but not parsed yet (an incomplete line), or after a 101 the new protocol's bytes.
    private var unparsed: ByteBuffer?
    /// Inside the parse loop of a read: a response's end may hand the connection to the next request at once
    /// (from inside the loop), and that request must not claim bytes of this read, which are surplus.
    private var parsing = false
    /// Methods of requests sent while `parsing`, told to the parser when the read is done.
    private var untold: [HTTPMethod] = []
    /// The connection closed, or is closing after a parse error.
    private var closed = false
    /// A socket error (a reset) ended the connection: a body read until close is cut, not complete.
    private var lost = false
    /// `channelInactive` has run: the connection is gone.
    private var inactive = false
    private var paused = false
    /// After a 101, once the exchange hands the connection over to a tunnel: no more reports.
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

    /// Leaving for a tunnel: on the next tick (like the client side's codec, so the client's HTTP handlers,
    /// removed in the same breath, are gone first), the bytes after the 101 go on to the tunnel's glue.
    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        context.eventLoop.assumeIsolated().execute {
            if self.parser.hasSwitchedProtocols, let bytes = self.unparsed, bytes.readableBytes > 0 {
                self.unparsed = nil
                context.fireChannelRead(self.wrapInboundOut(bytes))
                context.fireChannelReadComplete()
            }
            context.leavePipeline(removalToken: removalToken)
        }
    }

    /// A request with this method went out (`UpstreamRequestWriter`): the next final response answers it.
    func expectResponse(to method: HTTPMethod) {
        if parsing {
            untold.append(method)
        } else {
            parser.expectResponse(to: method)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if var earlier = unparsed {
            unparsed = nil
            earlier.writeBuffer(&buffer)
            buffer = earlier
        }
        if parser.hasSwitchedProtocols {
            unparsed = buffer
            return
        }
        parsing = true
        while !closed, let event = parser.next(from: &buffer) {
            deliver(event, context: context)
        }
        parsing = false
        if buffer.readableBytes > 0, !closed { unparsed = buffer }
        if !untold.isEmpty {
            for method in untold { parser.expectResponse(to: method) }
            untold.removeAll(keepingCapacity: true)
        }
    }

    private func deliver(_ event: HTTP1ResponseParser.Event, context: ChannelHandlerContext) {
        switch event {
        case .head(let head):
            delegate?.upstreamHead(head)
        case .body(let bytes):
            delegate?.upstreamBody(bytes)
        case .end:
            delegate?.upstreamEnd()
        case .error(let error):
            // Nothing after it is parsed or kept: the connection closes.
            closed = true
            unparsed = nil
            // Surplus bytes (beyond a response's end) are no exchange's response: the connection just closes.
            // An exchange that has sent its request on it meanwhile learns it as a closed connection.
            if error != .unsolicitedResponse { delegate?.upstreamFailed(error) }
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !tunnelling { delegate?.upstreamReadComplete() }
        context.fireChannelReadComplete()
    }

    /// A channel error (a reset, say) is a lost connection, not a malformed response: a backend killed with a
    /// request in its socket buffer resets the connection, and that request is replayed like one whose
    /// connection closed (`ProxyRequestStateMachine.backendClosed`), not answered 502.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A FastCGI or SCGI app's broken output (`BackendProtocolDecoder`) is a malformed response, like an HTTP
        // parse error.
        if let error = error as? BackendProtocolError {
            closed = true
            unparsed = nil
            delegate?.upstreamFailed(error)
            context.close(promise: nil)
            return
        }
        lost = true
        delegate?.upstreamLost(error)
        context.close(promise: nil)
    }

    /// The connection becomes a tunnel: hold socket reads until the HTTP handlers are gone.
    func enterTunnelMode() {
        tunnelling = true
        paused = true
        delegate = nil
        onClose = nil
    }

    /// Hands the connection to `delegate` (nil: back to its pool). A connection that closed in the meantime (idle
    /// on another event loop while the lease hopped there, and the backend dropped it) is reported closed at
    /// once instead: its exchange then re-sends or fails over as for any connection lost before an answer,
    /// rather than writing into the void and waiting for its read timeout.
    func attach(_ delegate: UpstreamDelegate?) {
        if inactive, let delegate {
            delegate.upstreamClosed()
            return
        }
        self.delegate = delegate
    }

    func channelInactive(context: ChannelHandlerContext) {
        inactive = true
        let wasParsing = parsing
        closed = true
        // The end of a body read until close, or an error if the backend stopped inside a response. Not when
        // the close came from inside the parse loop (the exchange closed it while handling a part).
        if !wasParsing, let event = parser.inputEnded(unconsumed: unparsed?.readableBytes ?? 0, reset: lost) {
            parsing = true
            deliver(event, context: context)
            parsing = false
        }
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
