import NIOCore
import NIOHTTP1

/// The whole HTTP/1.1 server side of a client connection in one handler: bytes in, NIO's
/// `HTTPServerRequestPart`s out; `HTTPServerResponsePart`s in, bytes out. The pipeline is
/// `[NIOSSLServerHandler] → HTTP1ServerCodec → HTTPRequestHandler`.
///
/// It does what five handlers did (a response encoder, the request decoder, the refusal responder, the
/// timeouts and NIO's pipelining handler), without five hops and five casts for every part, read,
/// write and flush:
/// - decoding with ``HTTP1RequestParser`` (RFC 9112 hygiene, lighttpd's limits); a refused request
///   gets its 400/408/413/414/431/501/505 with `Connection: close`, then the connection closes
///   (`+Refusals`);
/// - one request at a time: a pipelined request's head goes up only once the previous response's
///   `.end` was written. Its bytes wait here, unparsed; socket reads go on until more than
///   ``Configuration/maxBufferedBytes`` wait (`+Pipelining`);
/// - no request after a response that ends the connection (`Connection: close`, or HTTP/1.0 without
///   keep-alive; RFC 9112 §9.6): reads stop and the connection closes once it is written (`+Pipelining`);
/// - `server.max-read-idle`, `server.max-keep-alive-idle`, `server.max-write-idle` with one scheduled
///   task per connection (`+Timeouts`); the keep-alive limit counts from when the last response was
///   written, not queued (`+Draining`);
/// - graceful shutdown (`ChannelShouldQuiesceEvent`): an idle connection closes once its last response
///   is written, a busy one after its response, which says `Connection: close` (`+Pipelining`);
/// - responses encoded with the head in one exactly sized buffer, chunked framing when the body
///   length is not known (`+Encoding`).
///
/// Upgrades: after a request that asks to switch protocols (`Upgrade`, or CONNECT) nothing further is
/// parsed until its answer: a 101 (a 2xx for CONNECT) keeps parsing stopped until the codec is
/// removed, and removing it passes every unparsed byte on as a `ByteBuffer` (a WebSocket tunnel's
/// first frames); any other answer declines and HTTP goes on.
public final class HTTP1ServerCodec: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = IOData

    /// Content type and body of a refused request's answer, or nil for an empty one. Called once per
    /// refused request (on the event loop), so it is also where to log the refusal.
    public typealias ErrorPage = (HTTP1RequestError) -> (contentType: String, body: ByteBuffer)?

    /// Where the current request stands, for the read timer (see `+Timeouts`).
    enum ReadPhase {
        /// No request in progress; `bytesSeen` once part of the next head has arrived.
        case waitingForHead(bytesSeen: Bool)
        /// Between a head and its `.end`.
        case readingBody
        /// The request is complete; its response is being produced, or written (the keep-alive limit
        /// starts only once its last write completed).
        case responding
    }

    let configuration: Configuration
    let errorPage: ErrorPage

    // MARK: Request side
    var parser: HTTP1RequestParser
    /// Bytes received and not yet parsed (a partial head, or pipelined requests waiting their turn).
    var buffer = ByteBuffer()
    /// Guards against re-entrant parsing: a response written while a part is delivered comes back here.
    var isParsing = false
    /// Nothing more is parsed: a request was refused, the input ended, or the connection is closing.
    var isInputDone = false
    /// The client half-closed; checked once the parser has caught up with the buffered bytes.
    var inputClosed = false
    /// Removal started: the buffered bytes go on raw.
    var isLeaving = false
    /// Request heads delivered; the latest one's method (a HEAD response carries no body).
    var requestHeads = 0
    var answeringHEAD = false
    /// The request (by number) that asked to switch protocols and awaits its answer, and whether it
    /// was a CONNECT (which switches on any 2xx rather than on 101).
    var upgradeRequest: (number: Int, isConnect: Bool)?

    // MARK: Response side
    /// Final response heads (and 101s) and `.end`s written by the handler above.
    var responseHeads = 0
    var responseEnds = 0
    /// Writes watched until they complete (see `+Draining`): while any is pending, the connection is
    /// still responding. The keep-alive limit's probe write is in flight, and whether it completed
    /// inside its own flush (nothing was queued).
    var watchedWrites = 0
    var isProbing = false
    var probeCompletedAtOnce = false
    /// Framing of the response being written.
    var isChunked = false
    var suppressesBody = false
    /// Set once the codec answered on its own (a refusal, a 408) or the channel went inactive: every
    /// later write fails with `ChannelError.ioOnClosedChannel`.
    var isClosing = false
    /// `ChannelShouldQuiesceEvent` arrived: responses say `Connection: close`.
    var isQuiescing = false
    /// No further request is taken (quiescing, or a response said the connection ends): the connection
    /// closes once the request in progress is answered and its response written.
    var isFinishing = false
    /// A `read()` from above is held until the waiting bytes drop under the bound.
    var readPending = false
    /// The handler above asked for a read since the last `channelReadComplete`: while it does not (it
    /// holds reads, its back-pressure), a silent request body is not the client's doing (`+Timeouts`).
    var readRequested = true
    /// "\r\n", shared by every chunk.
    var crlf = ByteBuffer()
    /// The last buffer or file region written, not passed down yet (see `+Encoding`), its promise, and
    /// whether it is the codec's own buffer (a head, which a small body may join).
    var held: IOData?
    var heldPromise: EventLoopPromise<Void>?
    var heldIsOurs = false

    // MARK: Timers
    var phase = ReadPhase.waitingForHead(bytesSeen: false)
    /// The head / body-idle / keep-alive timeout: `readDeadline` is when it expires (nil: disarmed). One
    /// scheduled task serves many requests: a later deadline leaves the task alone and the task, firing
    /// early, reschedules itself for the rest; only an earlier deadline replaces it.
    var readTimer: Scheduled<Void>?
    var readTimerDue = NIODeadline.distantFuture
    var readDeadline: NIODeadline?
    var writeTimer: Scheduled<Void>?
    /// Told when a client that stopped reading is disconnected (`server.max-write-idle`), for the error log.
    public var writeStalled: (() -> Void)?
    /// Its own context, for the direct writes of the handler above (`+DirectWrites`); nil once removed.
    var context: ChannelHandlerContext?
    /// The handler right above, when it takes request parts as calls (`+Pipelining`'s `deliver`). Strong and
    /// cleared when the codec leaves the pipeline (a `weak` reference would make every retain and release of
    /// the handler take the side-table path).
    var receiver: HTTP1RequestReceiver?

    public init(configuration: Configuration = .init(), errorPage: @escaping ErrorPage = { _ in nil }) {
        self.configuration = configuration
        self.errorPage = errorPage
        self.parser = HTTP1RequestParser(limits: configuration.requestLimits)
    }

    // MARK: Lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        crlf = context.channel.allocator.buffer(staticString: "\r\n")
        if context.channel.isActive { armReadTimer(context: context, timeout: configuration.requestHeadTimeout) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        armReadTimer(context: context, timeout: configuration.requestHeadTimeout)
        context.fireChannelActive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        receiver = nil
        cancelTimers()
        isInputDone = true
        buffer = ByteBuffer()
        if readPending {
            readPending = false
            context.read()
        }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        held = nil
        heldPromise?.fail(ChannelError.ioOnClosedChannel)
        heldPromise = nil
        cancelTimers()
        isInputDone = true
        isClosing = true
        buffer = ByteBuffer()
        context.fireChannelInactive()
    }

    public func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        passHeld(context: context)
        isLeaving = true
        cancelTimers()
        // Like ByteToMessageHandler: leave on the next tick, so the handlers removed in the same breath
        // (HTTPRequestHandler, when a tunnel starts) are gone before the raw bytes travel on, and reach
        // the tunnel's handler instead.
        context.eventLoop.assumeIsolated().execute {
            if !self.isInputDone, self.buffer.readableBytes > 0 {
                let leftover = self.buffer
                self.buffer = ByteBuffer()
                context.fireChannelRead(NIOAny(leftover))
            }
            self.isInputDone = true
            context.leavePipeline(removalToken: removalToken)
        }
    }

    // MARK: Inbound

    public func channelReadComplete(context: ChannelHandlerContext) {
        readRequested = false
        context.fireChannelReadComplete()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isInputDone else { return }
        var input = unwrapInboundIn(data)
        if buffer.readableBytes == 0 {
            buffer = input
        } else {
            buffer.writeBuffer(&input)
        }
        guard !isLeaving else { return }
        parseBuffered(context: context)
        if case .waitingForHead(bytesSeen: false) = phase, hasPartialHead, !isInputDone {
            // The first bytes of a new request: from now on its head has `requestHeadTimeout` to arrive.
            phase = .waitingForHead(bytesSeen: true)
            armReadTimer(context: context, timeout: configuration.requestHeadTimeout)
        }
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            // Consumed here, as NIO's HTTPServerPipelineHandler does.
            quiesce(context: context)
        case ChannelEvent.inputClosed:
            inputClosed = true
            if !isLeaving { parseBuffered(context: context) }
            context.fireUserInboundEventTriggered(event)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        writabilityChanged(context: context)
        context.fireChannelWritabilityChanged()
    }

    // MARK: Outbound

    public func read(context: ChannelHandlerContext) {
        if !readRequested {
            readRequested = true
            if case .readingBody = phase { readsResumed(context: context) }
        }
        if holdsReads {
            readPending = true
        } else {
            context.read()
        }
    }

    public func flush(context: ChannelHandlerContext) {
        passHeld(context: context)
        context.flush()
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        passHeld(context: context)
        context.close(mode: mode, promise: promise)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !isClosing else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(let head):
            writeHead(head, context: context, promise: promise)
        case .body(let body):
            writeBody(body, context: context, promise: promise)
        case .end(let trailers):
            writeEnd(trailers, context: context, promise: promise)
            responseEnded(context: context)
        }
    }
}

@available(*, unavailable)
extension HTTP1ServerCodec: Sendable {}

/// The handler right above the codec, taking request parts as calls rather than pipeline reads.
protocol HTTP1RequestReceiver: AnyObject {
    /// Handles `part` as `channelRead` would; false when not in a pipeline (the part then goes the usual way).
    func receive(_ part: HTTPServerRequestPart) -> Bool
}
