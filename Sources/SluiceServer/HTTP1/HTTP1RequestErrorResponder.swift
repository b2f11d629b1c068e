import NIOCore
import NIOHTTP1

/// Answers a request refused by ``HTTP1RequestDecoder`` with its status (`Connection: close`) and
/// closes the connection, without ever interleaving that answer with a response still being sent.
///
/// It sits between the decoder and `HTTPServerPipelineHandler`:
/// `[HTTPResponseEncoder, HTTP1RequestDecoder, HTTP1RequestErrorResponder, HTTPServerPipelineHandler, ...]`.
/// There it sees every request part the decoder passes on and every response part going out. The
/// pipeline handler only knows how to hold back NIO's own `HTTPParserError`, so the error stops here.
///
/// When an error arrives:
/// - Responses to earlier (pipelined) requests still being written are finished first.
/// - If the broken request's head never went on (a bad head: 400/414/431/501/505, or 413 from its
///   `Content-Length`), or went on but nobody has started answering it (a bad chunk, 413 while
///   streaming, a truncated body), the error status is written; any response parts written after
///   that fail with `ChannelError.ioOnClosedChannel`, and the connection closes once it is flushed.
/// - If an answer to the broken request has already begun, it cannot be replaced: the connection
///   is closed at once, and the cut-off response tells the client something went wrong.
/// Handlers further on learn of it from `channelInactive` (an upstream exchange should be dropped).
public final class HTTP1RequestErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = HTTPServerResponsePart

    /// Content type and body of an error response, or nil for an empty one. Called once per refused
    /// request (on the event loop), so it is also where to log the error.
    public typealias ErrorPage = (HTTP1RequestError) -> (contentType: String, body: ByteBuffer)?

    private let errorPage: ErrorPage
    private var requestHeadsSeen = 0
    private var isRequestOpen = false
    private var responseHeadsSeen = 0
    private var responseEndsSeen = 0
    private var pendingError: HTTP1RequestError?
    /// Set once the error was answered (or the connection closed instead): nothing more goes out.
    private var isClosing = false

    public init(errorPage: @escaping ErrorPage = { _ in nil }) {
        self.errorPage = errorPage
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head:
            requestHeadsSeen += 1
            isRequestOpen = true
        case .body:
            break
        case .end:
            isRequestOpen = false
        }
        context.fireChannelRead(data)
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let requestError = error as? HTTP1RequestError else {
            context.fireErrorCaught(error)
            return
        }
        guard pendingError == nil, !isClosing else { return }
        pendingError = requestError
        answerIfPossible(context: context)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !isClosing else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let part = self.unwrapOutboundIn(data)
        context.write(data, promise: promise)
        switch part {
        case .head(let head) where head.status.code >= 200 || head.status == .switchingProtocols:
            responseHeadsSeen += 1
        case .head, .body:
            break
        case .end:
            responseEndsSeen += 1
            if pendingError != nil {
                answerIfPossible(context: context)
            }
        }
    }

    private func answerIfPossible(context: ChannelHandlerContext) {
        guard let error = pendingError, !isClosing else { return }
        let requestsBefore = isRequestOpen ? requestHeadsSeen - 1 : requestHeadsSeen
        guard responseEndsSeen >= requestsBefore else { return }  // an earlier response is still going out
        isClosing = true

        if isRequestOpen && responseHeadsSeen >= requestHeadsSeen {
            context.flush()
            context.close(promise: nil)
            return
        }
        var headers = HTTPHeaders()
        headers.reserveCapacity(3)
        headers.add(name: "Connection", value: "close")
        let page = errorPage(error)
        if let page {
            headers.add(name: "Content-Type", value: page.contentType)
        }
        headers.add(name: "Content-Length", value: String(page?.body.readableBytes ?? 0))
        let head = HTTPResponseHead(version: .http1_1, status: error.status, headers: headers)
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        if let page {
            context.write(self.wrapOutboundOut(.body(.byteBuffer(page.body))), promise: nil)
        }
        let loopBound = context.loopBound
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension HTTP1RequestErrorResponder: Sendable {}
