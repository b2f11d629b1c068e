import NIOCore
import NIOHTTP1

/// The channel handler around ``HTTP1RequestParser``: bytes in, NIO's `HTTPServerRequestPart`s out,
/// so `HTTPResponseEncoder`, `HTTPServerPipelineHandler` and `HTTPServerUpgradeHandler` (with
/// NIOWebSocket's upgrader) work unchanged. A refused request fires an ``HTTP1RequestError``
/// through `errorCaught` (see ``HTTP1RequestErrorResponder``) and every later byte is dropped.
///
/// Place it right after `HTTPResponseEncoder`, as NIO places its own decoder:
/// `[HTTPResponseEncoder, HTTP1RequestDecoder, HTTP1RequestErrorResponder, HTTPServerPipelineHandler, ...]`.
/// It watches the response heads going out to follow upgrades: after a request that asks to switch
/// protocols (`Upgrade` in HTTP/1.1, or CONNECT) it parses nothing further until the answer to that
/// request goes by. A 101 (a 2xx for CONNECT) keeps it paused until it is removed, and removing it
/// passes every unparsed byte on as a `ByteBuffer` (NIO's `RemoveAfterUpgradeStrategy.forwardBytes`);
/// any other final status means the upgrade was declined and HTTP parsing resumes.
///
/// End of input: a request body cut short fires ``HTTP1RequestError/truncatedBody``; a partial head
/// is just dropped (nothing was passed on, so the connection is merely closed).
public final class HTTP1RequestDecoder: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = HTTPServerResponsePart

    private var parser: HTTP1RequestParser
    /// Bytes received and not yet parsed.
    private var buffer = ByteBuffer()
    /// Guards against re-entrant parsing when a handler further on causes a read synchronously.
    private var isParsing = false
    /// Set once an error was fired or input ended: nothing more is parsed, bytes are dropped.
    private var isDone = false
    /// Set when removal starts: parsing stops and the buffer is handed on as raw bytes.
    private var isLeaving = false
    /// Request heads passed on, and final response heads seen (1xx other than 101 do not count).
    private var requestsDecoded = 0
    private var responsesStarted = 0
    /// The request (by number) that asked to switch protocols and awaits its answer, and whether
    /// it was a CONNECT (which switches on any 2xx rather than on 101).
    private var upgradeRequest: (number: Int, isConnect: Bool)?

    public init(limits: HTTP1RequestLimits = .init()) {
        self.parser = HTTP1RequestParser(limits: limits)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isDone else { return }
        var input = self.unwrapInboundIn(data)
        if buffer.readableBytes == 0 {
            buffer = input
        } else {
            buffer.writeBuffer(&input)
        }
        parseBuffered(context: context)
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        inputEnded(context: context)
        context.fireChannelInactive()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            inputEnded(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head(let head) = self.unwrapOutboundIn(data) {
            responseHeadWritten(head, context: context)
        }
        context.write(data, promise: promise)
    }

    public func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        isLeaving = true
        // Like ByteToMessageHandler: leave on the next tick, so handlers removed in the same
        // breath (HTTPServerPipelineHandler & co. during an upgrade) are gone before the raw bytes
        // travel on, and reach the upgraded protocol's handlers instead.
        context.eventLoop.assumeIsolated().execute {
            if !self.isDone, self.buffer.readableBytes > 0 {
                let leftover = self.buffer
                self.buffer = ByteBuffer()
                context.fireChannelRead(NIOAny(leftover))
            }
            self.isDone = true
            context.leavePipeline(removalToken: removalToken)
        }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        isDone = true
        buffer = ByteBuffer()
    }

    /// Passes on every event the buffered bytes hold.
    private func parseBuffered(context: ChannelHandlerContext) {
        guard !isParsing else { return }
        isParsing = true
        defer { isParsing = false }

        while !isDone, !isLeaving, let event = parser.next(from: &buffer) {
            switch event {
            case .head(let head):
                requestsDecoded += 1
                if parser.asksToSwitchProtocols {
                    upgradeRequest = (requestsDecoded, head.method == .CONNECT)
                }
                context.fireChannelRead(self.wrapInboundOut(.head(head)))
            case .body(let bytes):
                context.fireChannelRead(self.wrapInboundOut(.body(bytes)))
            case .end(let trailers):
                context.fireChannelRead(self.wrapInboundOut(.end(trailers)))
            case .error(let error):
                fail(error, context: context)
            }
        }
        // Keep a partial line from pinning a large, mostly consumed buffer.
        if buffer.readerIndex >= 4096, buffer.readableBytes > 0 {
            buffer.discardReadBytes()
        }
    }

    private func inputEnded(context: ChannelHandlerContext) {
        guard !isDone, !isLeaving else { return }
        if let error = parser.inputEnded() {
            fail(error, context: context)
        }
        isDone = true
    }

    private func fail(_ error: HTTP1RequestError, context: ChannelHandlerContext) {
        isDone = true
        buffer = ByteBuffer()
        context.fireErrorCaught(error)
    }

    /// Follows the answer to a request that asked to switch protocols (see the type's notes).
    private func responseHeadWritten(_ head: HTTPResponseHead, context: ChannelHandlerContext) {
        let status = head.status.code
        guard status >= 200 || status == 101 else { return }  // 100 Continue and the like: not an answer yet
        responsesStarted += 1
        guard let upgrade = upgradeRequest, upgrade.number == responsesStarted else { return }
        upgradeRequest = nil
        let switches = upgrade.isConnect ? (200..<300).contains(status) : status == 101
        guard !switches else { return }
        parser.upgradeDeclined()
        // Resume on the next tick rather than feeding requests into the pipeline from inside a write.
        context.eventLoop.assumeIsolated().execute {
            self.parseBuffered(context: context)
        }
    }
}

@available(*, unavailable)
extension HTTP1RequestDecoder: Sendable {}
