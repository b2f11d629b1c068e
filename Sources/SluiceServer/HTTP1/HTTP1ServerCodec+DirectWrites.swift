import NIOCore
import NIOHTTP1

/// Writes from the handler right above (`HTTPRequestHandler`, on this channel's event loop) as calls instead
/// of pipeline writes: a proxied response's head, body parts and end go down without an `NIOAny` box and a cast
/// each. They do what `write(context:data:promise:)` and `flush(context:)` do for the same parts.
extension HTTP1ServerCodec {
    /// A head the handler encoded itself (`ResponseHeadBuilder.encodeProxied`): the codec adds what depends on
    /// the connection, as `writeHead` does for an `HTTPResponseHead`: chunked framing when there is no
    /// `Content-Length` (none for `HEAD`, 1xx, 204, 304; none for HTTP/1.0, whose body the close delimits),
    /// `Connection: close` when the connection ends after it (or the server is quiescing), `keep-alive` for an
    /// HTTP/1.0 client that keeps it, and the empty line.
    func writeEncodedHead(_ head: consuming EncodedResponseHead, version: HTTPVersion) {
        guard let context, !isClosing else { return }
        let decision = beginResponseHead(
            head.status, version: version, keepsAlive: head.keepAlive, hasContentLength: head.hasContentLength)
        if decision.chunked { head.bytes.writeStaticString("Transfer-Encoding: chunked\r\n") }
        if !head.keepAlive || decision.sayClose {
            head.bytes.writeStaticString("Connection: close\r\n")
        } else if version.minor == 0 {
            head.bytes.writeStaticString("Connection: keep-alive\r\n")
        }
        head.bytes.writeStaticString("\r\n")
        passHeld(context: context)
        holdHead(head.bytes)
    }

    func writeBodyDirect(_ bytes: ByteBuffer) {
        guard let context, !isClosing else { return }
        writeBody(.byteBuffer(bytes), context: context, promise: nil)
    }

    /// The response's end, flushed.
    func writeEndDirect(promise: EventLoopPromise<Void>?) {
        guard let context, !isClosing else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        writeEnd(nil, context: context, promise: promise)
        responseEnded(context: context)
        flushDirect()
    }

    func flushDirect() {
        guard let context else { return }
        passHeld(context: context)
        context.flush()
    }
}
