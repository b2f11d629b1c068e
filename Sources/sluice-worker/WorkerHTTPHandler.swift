import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Serves the worker's endpoints on one HTTP/1.1 connection.
///
/// `HTTPServerPipelineHandler` sits in front of it, so requests arrive one at a time even when the client
/// pipelines: the next request is delivered (re-entrantly, from inside the write of `.end`) only once this
/// handler has finished the previous response. The state is therefore reset to `.idle` before `.end` is
/// written. Responses written while handling a read are flushed once in `channelReadComplete`, so a burst of
/// pipelined requests becomes one `writev`.
final class WorkerHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the response to the current request needs to know about the request.
    struct Exchange {
        var version: HTTPVersion
        var keepAlive: Bool
        var isHead: Bool
        var route: WorkerRoute
    }

    enum State {
        /// Between requests.
        case idle
        /// Head received, body (if any) streaming in; `echo` collects it for `/echo`.
        case receiving(Exchange, echo: EchoRecorder?)
        /// Request complete, waiting out `--delay-ms` / `--jitter-ms`.
        case delaying(Exchange, echo: EchoRecorder?, Scheduled<Void>)
        /// `/bytes`: head sent, `remaining` body bytes to write as the channel becomes writable.
        case streamingBytes(Exchange, remaining: Int)
        /// `/sse`: head sent, the next event scheduled.
        case streamingEvents(Scheduled<Void>)
        /// Last response written with `Connection: close`, or the channel went away: ignore everything.
        case closed
    }

    let catalog: WorkerCatalog
    var state = State.idle
    /// True between `channelRead` and `channelReadComplete`; writes made then are flushed at the end.
    private(set) var inReadBurst = false
    private var randomness = SystemRandomNumberGenerator()

    init(catalog: WorkerCatalog) {
        self.catalog = catalog
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.inReadBurst = true
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            guard case .idle = self.state else { return }
            let route = WorkerRoute(target: head.uri)
            let exchange = Exchange(
                version: head.version,
                keepAlive: head.isKeepAlive,
                isHead: head.method == .HEAD,
                route: route
            )
            let echo = route == .echo
                ? EchoRecorder(
                    head: head,
                    peer: context.channel.remoteAddress?.hostAndPort ?? "unknown",
                    allocator: context.channel.allocator
                )
                : nil
            self.state = .receiving(exchange, echo: echo)
        case .body(let chunk):
            guard case .receiving(let exchange, var echo?) = self.state else { return }
            self.state = .idle  // drop the reference so `append` does not copy the kept body
            echo.append(chunk)
            self.state = .receiving(exchange, echo: echo)
        case .end:
            guard case .receiving(let exchange, let echo) = self.state else { return }
            self.requestComplete(context: context, exchange: exchange, echo: echo)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.inReadBurst = false
        context.flush()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, case .streamingBytes(let exchange, let remaining) = self.state {
            self.writeBytes(context: context, exchange: exchange, remaining: remaining)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.stop()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A refused WebSocket upgrade (not `/ws`, or bad `Sec-WebSocket-*` headers) is reported here before the
        // request is passed on as plain HTTP: answer that request instead of closing.
        if error is NIOWebSocketUpgradeError {
            return
        }
        self.stop()
        context.close(promise: nil)
    }

    /// Cancels whatever is scheduled; nothing more is written on this connection.
    private func stop() {
        switch self.state {
        case .delaying(_, _, let scheduled), .streamingEvents(let scheduled):
            scheduled.cancel()
        default:
            break
        }
        self.state = .closed
    }

    private func requestComplete(context: ChannelHandlerContext, exchange: Exchange, echo: EchoRecorder?) {
        let delay = self.catalog.delay.isZero ? .zero : self.catalog.delay.next(using: &self.randomness)
        guard delay > .zero else {
            self.respond(context: context, exchange: exchange, echo: echo)
            return
        }
        let scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            guard case .delaying = self.state else { return }
            self.respond(context: context, exchange: exchange, echo: echo)
        }
        self.state = .delaying(exchange, echo: echo, scheduled)
    }
}
