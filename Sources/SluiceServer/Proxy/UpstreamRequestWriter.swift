import NIOCore
import NIOHTTP1

/// The first handler of an upstream connection (next to the socket): writes the request Sluice sends to its
/// backend as bytes (HTTP/1.1, or FastCGI records, or SCGI), and tells the response parser which method each
/// response answers.
///
/// NIO's `HTTPRequestEncoder` would take an `HTTPRequestHead` whose `HTTPHeaders` were built from
/// `ForwardedRequestHeaders`' list only to be serialised again, and every part would pass the pipeline boxed in
/// an `NIOAny` and cast by each handler. The head is already decided field by field, so it is written here in one
/// buffer (`UpstreamRequestHead`). Framing is Sluice's own (`RequestBodyFraming`: the head carries the
/// `Content-Length` or `Transfer-Encoding: chunked` it was built with), so body parts are written as they are or as
/// chunks (RFC 9112 §7.1).
///
/// The response parser must know each request's method: a response to `HEAD` has no body whatever its headers
/// say (RFC 9110 §9.3.2). `UpstreamResponseHandler` holds it and is told here, as each head goes out.
final class UpstreamRequestWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How body parts are framed after the head.
    private enum Framing {
        /// As they are (HTTP with `Content-Length`, SCGI).
        case plain
        /// HTTP chunks.
        case chunked
        /// FastCGI `STDIN` records, ended by an empty one.
        case fastCGIStandardInput
    }

    private let responses: UpstreamResponseHandler
    /// FastCGI and SCGI connections: the translator below the response parser, told each method too.
    private let protocolDecoder: BackendProtocolDecoder?
    private let isFastCGI: Bool
    private var context: ChannelHandlerContext?
    private var framing = Framing.plain

    init(responses: UpstreamResponseHandler, protocolDecoder: BackendProtocolDecoder? = nil, isFastCGI: Bool = false) {
        self.responses = responses
        self.protocolDecoder = protocolDecoder
        self.isFastCGI = isFastCGI
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Writing a request (on the connection's event loop)

    /// Writes an encoded head (HTTP, or a FastCGI/SCGI head: `CGIRequestHead`). `request` gives the
    /// response parser the method; `chunked`: the HTTP head says `Transfer-Encoding: chunked`, so body parts are
    /// framed as chunks.
    func writeHead(_ bytes: ByteBuffer, request: HTTPRequestHead, chunked: Bool) {
        guard let context else { return }
        framing = isFastCGI ? .fastCGIStandardInput : chunked ? .chunked : .plain
        responses.expectResponse(to: request.method)
        protocolDecoder?.expectResponse(to: request.method)
        context.write(wrapOutboundOut(bytes), promise: nil)
    }

    func writeBody(_ bytes: ByteBuffer) {
        guard let context, bytes.readableBytes > 0 else { return }
        let allocator = context.channel.allocator
        switch framing {
        case .plain:
            context.write(wrapOutboundOut(bytes), promise: nil)
        case .chunked:
            context.write(wrapOutboundOut(PresizedByteWriter.chunkSizeLine(bytes.readableBytes, allocator: allocator)), promise: nil)
            context.write(wrapOutboundOut(bytes), promise: nil)
            var crlf = allocator.buffer(capacity: 2)
            crlf.writeStaticString("\r\n")
            context.write(wrapOutboundOut(crlf), promise: nil)
        case .fastCGIStandardInput:
            // A record header before each piece of up to 64 KB; the body bytes themselves are not copied.
            var rest = bytes
            while rest.readableBytes > 0 {
                let piece = rest.readSlice(length: min(rest.readableBytes, FastCGIRecord.maxContent))!
                var header = allocator.buffer(capacity: FastCGIRecord.headerSize)
                FastCGIRecord.writeHeader(.stdin, contentLength: piece.readableBytes, to: &header)
                context.write(wrapOutboundOut(header), promise: nil)
                context.write(wrapOutboundOut(piece), promise: nil)
            }
        }
    }

    /// The end of the request: the last chunk when chunked, the empty `STDIN` record for FastCGI, nothing otherwise.
    func writeEnd() {
        guard let context else { return }
        switch framing {
        case .plain:
            return
        case .chunked:
            var last = context.channel.allocator.buffer(capacity: 5)
            last.writeStaticString("0\r\n\r\n")
            context.write(wrapOutboundOut(last), promise: nil)
        case .fastCGIStandardInput:
            var end = context.channel.allocator.buffer(capacity: FastCGIRecord.headerSize)
            FastCGIRecord.writeHeader(.stdin, contentLength: 0, to: &end)
            context.write(wrapOutboundOut(end), promise: nil)
        }
        framing = .plain
    }

    func flush() {
        context?.flush()
    }
}

/// `METHOD target HTTP/1.1`, the fields, and the empty line (RFC 9112 §3, §5), encoded into one buffer with one
/// copy per string.
enum UpstreamRequestHead {
    static func encode(
        method: String, target: [UInt8], fields: [(String, String)], allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        // "METHOD" SP target SP "HTTP/1.1" CRLF, per field name ": " value CRLF, then CRLF.
        var size = method.utf8.count + 1 + target.count + 11 + 2
        for (name, value) in fields { size += name.utf8.count + 2 + value.utf8.count + 2 }
        var buffer = allocator.buffer(capacity: size)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var out = PresizedByteWriter(raw)
            out.append(method)
            out.append(UInt8(ascii: " "))
            target.withUnsafeBytes { out.append($0) }
            out.append(" HTTP/1.1\r\n")
            for (name, value) in fields { out.appendField(name, value) }
            out.append(UInt8(ascii: "\r"))
            out.append(UInt8(ascii: "\n"))
            assert(out.offset == size, "the head's size was miscounted")
            return out.offset
        }
        return buffer
    }
}
