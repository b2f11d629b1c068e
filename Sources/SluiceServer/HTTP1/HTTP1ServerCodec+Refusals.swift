import NIOCore
import NIOHTTP1

/// A request the parser refuses is answered here with its status and `Connection: close`, then the
/// connection closes; the handler above never sees the refused request (nor any byte after it).
///
/// Since the next request is parsed only after the previous response's `.end` (`+Pipelining`), a
/// refusal never interleaves with another response:
/// - a bad head (400/414/431/501/505, or 413 from its `Content-Length`) is answered at once;
/// - a bad body (a broken chunk, 413 while streaming, a body cut short by a half-close) is answered
///   if nobody has started answering that request; if an answer has begun it cannot be replaced:
///   the connection closes at once, and the cut-off response tells the client something went wrong.
/// Response parts the handler writes afterwards fail with `ChannelError.ioOnClosedChannel`; it
/// learns of the end from `channelInactive` (an upstream exchange is dropped then).
extension HTTP1ServerCodec {
    func refuse(_ error: HTTP1RequestError, insideRequest: Bool, context: ChannelHandlerContext) {
        isInputDone = true
        buffer = ByteBuffer()
        guard !isClosing else { return }
        isClosing = true
        if insideRequest && responseHeads >= requestHeads {
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
        writeFinalAnswer(
            HTTPResponseHead(version: .http1_1, status: error.status, headers: headers), body: page?.body,
            context: context)
    }

    /// Writes a whole response of the codec's own (a refusal, a 408) and closes the connection once
    /// it is sent.
    func writeFinalAnswer(_ head: HTTPResponseHead, body: ByteBuffer?, context: ChannelHandlerContext) {
        var bytes = encodeHead(head, layout: HeadLayout(head), extraField: nil, allocator: context.channel.allocator)
        if var body, body.readableBytes > 0 {
            bytes.writeBuffer(&body)
        }
        let loopBound = context.loopBound
        let written = context.eventLoop.makePromise(of: Void.self)
        passHeld(context: context)
        context.writeAndFlush(NIOAny(bytes), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}
