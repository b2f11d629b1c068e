import NIOCore
import NIOHTTP1

/// Response parts to bytes (RFC 9112 §4–§7). Framing follows NIO's `HTTPResponseEncoder`, which the
/// handler above was written against:
/// - a status without content (1xx, 204, 304) loses any `Content-Length` and `Transfer-Encoding`;
/// - with `Content-Length`, a `Transfer-Encoding` is dropped and the body goes as is;
/// - with neither, an HTTP/1.1 response is sent chunked (`Transfer-Encoding: chunked` is added), an
///   HTTP/1.0 one is delimited by closing the connection (the handler then does not keep it alive).
/// A response to HEAD carries no body bytes at all (RFC 9110 §9.3.2): it keeps the framing fields a
/// GET would get, but never a chunked terminator, and body parts written for it are dropped.
///
/// The head goes out in one buffer of exactly its size, filled in a single pass of memory copies.
/// Every write down the pipeline costs the same whatever its size, so the last buffer or file region
/// is held back until the next write, flush or close (`held`): a small body joins the head's buffer,
/// and the promise of an `.end` rides on the last real write instead of an empty one. Nothing is
/// reordered and nothing waits longer than the flush that would have sent it anyway.
extension HTTP1ServerCodec {
    /// Bodies up to this size are copied into the held head's buffer rather than written on their own.
    static let bodyJoinLimit = 1024

    /// What the codec decides for every response head, however it was encoded (here or by the handler,
    /// `writeEncodedHead`): it counts a final head, notes an upgrade's answer and whether the connection ends
    /// after it, and returns whether the head must say `Connection: close` because the server is quiescing
    /// (graceful shutdown: the connection's last response) and whether the body goes chunked.
    func beginResponseHead(
        _ status: HTTPResponseStatus, version: HTTPVersion, keepsAlive: Bool, hasContentLength: Bool
    ) -> (sayClose: Bool, chunked: Bool) {
        let isFinal = status.code >= 200 || status.code == 101
        var sayClose = false
        if isFinal {
            responseHeads += 1
            if upgradeRequest != nil { upgradeAnswered(status) }
            if !keepsAlive {
                responseEndsConnection()
            } else if isQuiescing {
                sayClose = true
            }
            suppressesBody = answeringHEAD
        }
        isChunked =
            status.mayHaveResponseBody && !hasContentLength && !(isFinal && answeringHEAD)
            && version.major == 1 && version.minor >= 1
        return (sayClose, isChunked)
    }

    func writeHead(_ head: HTTPResponseHead, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        var head = head
        var layout = HeadLayout(head)
        let decision = beginResponseHead(
            head.status, version: head.version, keepsAlive: layout.keepsAlive(head.version),
            hasContentLength: layout.hasContentLength)
        if decision.sayClose {
            head.headers.replaceOrAdd(name: "Connection", value: "close")
            layout = HeadLayout(head)
        }
        // No content: no framing fields. A length wins over a coding; a chunked body gets Sluice's own.
        let dropsLength = !head.status.mayHaveResponseBody && layout.hasContentLength
        let dropsCoding = layout.hasTransferEncoding && (!head.status.mayHaveResponseBody || layout.hasContentLength || decision.chunked)
        if dropsLength || dropsCoding {
            if dropsLength { head.headers.remove(name: "Content-Length") }
            if dropsCoding { head.headers.remove(name: "Transfer-Encoding") }
            layout = HeadLayout(head)
        }
        let extraField: StaticString? = decision.chunked ? "Transfer-Encoding: chunked\r\n" : nil
        let bytes = encodeHead(head, layout: layout, extraField: extraField, allocator: context.channel.allocator)
        passHeld(context: context)
        hold(.byteBuffer(bytes), promise: promise, isOurs: true)
    }

    func writeBody(_ body: IOData, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        if suppressesBody {
            promise?.succeed()
            return
        }
        let count = body.readableBytes
        guard isChunked && count > 0 else {
            // (An empty chunk would end a chunked body: it is written, for the promise's order, unframed.)
            if heldIsOurs, heldPromise == nil, count <= Self.bodyJoinLimit, case .byteBuffer(var bytes) = body,
                case .byteBuffer(var joined) = held, joined.readableBytes <= 4 * Self.bodyJoinLimit
            {
                held = nil  // the buffer's only reference: the bytes are appended in place
                joined.writeBuffer(&bytes)
                hold(.byteBuffer(joined), promise: promise, isOurs: true)
                return
            }
            passHeld(context: context)
            hold(body, promise: promise)
            return
        }
        passHeld(context: context)
        let sizeLine = PresizedByteWriter.chunkSizeLine(count, allocator: context.channel.allocator)
        context.write(NIOAny(sizeLine), promise: nil)
        context.write(NIOAny(body), promise: nil)
        // The promise on the last of the three: writes complete in order, and a failure fails the rest.
        hold(.byteBuffer(crlf), promise: promise)
    }

    func writeEnd(_ trailers: HTTPHeaders?, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        defer {
            isChunked = false
            suppressesBody = false
        }
        guard isChunked else {
            guard let promise else { return }
            // Nothing to write; the promise must complete after the writes before it (and stays on the
            // last write held, which `responseEnded` watches).
            if held == nil {
                hold(.byteBuffer(context.channel.allocator.buffer(capacity: 0)), promise: promise)
            } else if let earlier = heldPromise {
                earlier.futureResult.cascade(to: promise)
            } else {
                heldPromise = promise
            }
            return
        }
        var last: ByteBuffer
        if let trailers, !trailers.isEmpty {
            var size = 5
            for (name, value) in trailers { size += name.utf8.count + value.utf8.count + 4 }
            last = context.channel.allocator.buffer(capacity: size)
            last.writeStaticString("0\r\n")
            for (name, value) in trailers {
                last.writeString(name)
                last.writeStaticString(": ")
                last.writeString(value)
                last.writeStaticString("\r\n")
            }
            last.writeStaticString("\r\n")
        } else {
            last = context.channel.allocator.buffer(staticString: "0\r\n\r\n")
        }
        passHeld(context: context)
        hold(.byteBuffer(last), promise: promise)
    }

    /// Puts `promise` on the response's last write, which `writeEnd` left held and without a promise of
    /// its own (an empty buffer when everything was passed down already).
    func holdLast(promise: EventLoopPromise<Void>, context: ChannelHandlerContext) {
        if held == nil {
            hold(.byteBuffer(context.channel.allocator.buffer(capacity: 0)), promise: promise)
        } else {
            heldPromise = promise
        }
    }

    /// Holds a head buffer of the codec's own (see `hold`).
    func holdHead(_ bytes: ByteBuffer) {
        hold(.byteBuffer(bytes), promise: nil, isOurs: true)
    }

    /// Keeps `data` back until the next write, flush or close. `isOurs`: a buffer of the codec's own
    /// (a head), referenced nowhere else, so a small body can be appended to it without a copy.
    private func hold(_ data: IOData, promise: EventLoopPromise<Void>?, isOurs: Bool = false) {
        held = data
        heldPromise = promise
        heldIsOurs = isOurs
    }

    /// Passes the held buffer or region down, if any.
    func passHeld(context: ChannelHandlerContext) {
        guard let data = held else { return }
        let promise = heldPromise
        held = nil
        heldPromise = nil
        context.write(NIOAny(data), promise: promise)
    }

    /// The status line, the fields (and `extraField`, a whole line) and the empty line, in one buffer
    /// of exactly their size.
    func encodeHead(
        _ head: HTTPResponseHead, layout: HeadLayout, extraField: StaticString?, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        let reason = head.status.reasonPhrase
        // The status line, the fields, the extra field, "\r\n"
        var size = PresizedByteWriter.statusLineSize(head.version, head.status, reason: reason) + layout.fieldBytes + 2
        if let extraField { size += extraField.utf8CodeUnitCount }
        var buffer = allocator.buffer(capacity: size)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var out = PresizedByteWriter(raw)
            out.appendStatusLine(head.version, head.status, reason: reason)
            for (name, value) in head.headers {
                out.append(name)
                out.append(": ")
                out.append(value)
                out.append("\r\n")
            }
            if let extraField { out.append(extraField) }
            out.append("\r\n")
            assert(out.offset == size, "the head's size was miscounted")
            return out.offset
        }
        return buffer
    }
}

/// What encoding a head needs to know, found in one pass over its fields: the bytes of the field
/// lines, whether it carries `Content-Length` / `Transfer-Encoding` (the common head has neither
/// to remove, so its fields are never rewritten), and the `Connection` options that say whether the
/// connection stays open after it.
struct HeadLayout {
    var fieldBytes = 0
    var hasContentLength = false
    var hasTransferEncoding = false
    var saysClose = false
    var saysKeepAlive = false

    init(_ head: HTTPResponseHead) {
        for (name, value) in head.headers {
            let length = name.utf8.count
            fieldBytes += length + value.utf8.count + 4
            if length == 14, !hasContentLength, HeadLayout.equalsIgnoringCase(name, "content-length") {
                hasContentLength = true
            } else if length == 17, !hasTransferEncoding, HeadLayout.equalsIgnoringCase(name, "transfer-encoding") {
                hasTransferEncoding = true
            } else if length == 10, HeadLayout.equalsIgnoringCase(name, "connection") {
                HeadLayout.connectionOptions(value, close: &saysClose, keepAlive: &saysKeepAlive)
            }
        }
    }

    /// Whether the connection persists after this response (RFC 9112 §9.3): HTTP/1.1 unless it says
    /// `close`; HTTP/1.0 only when it says `keep-alive` (RFC 9112 Appendix C.2.2).
    func keepsAlive(_ version: HTTPVersion) -> Bool {
        if saysClose { return false }
        return version.major > 1 || (version.major == 1 && version.minor >= 1) || saysKeepAlive
    }

    /// Finds the `close` and `keep-alive` options in a `Connection` value (a comma-separated list of
    /// case-insensitive tokens, RFC 9110 §7.6.1).
    static func connectionOptions(_ value: String, close: inout Bool, keepAlive: inout Bool) {
        for element in value.utf8.split(separator: UInt8(ascii: ",")) {
            var option = element[...]
            while let first = option.first, first == 0x20 || first == 0x09 { option = option.dropFirst() }
            while let last = option.last, last == 0x20 || last == 0x09 { option = option.dropLast() }
            if equalsIgnoringCase(option, "close") {
                close = true
            } else if equalsIgnoringCase(option, "keep-alive") {
                keepAlive = true
            }
        }
    }

    /// ASCII case-insensitive comparison with a lowercase literal of the same length.
    static func equalsIgnoringCase(_ name: String, _ lowercase: StaticString) -> Bool {
        equalsIgnoringCase(name.utf8, lowercase)
    }

    static func equalsIgnoringCase(_ bytes: some Sequence<UInt8>, _ lowercase: StaticString) -> Bool {
        var index = 0
        let literal = UnsafeRawBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        for byte in bytes {
            let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            guard index < literal.count, lower == literal[index] else { return false }
            index += 1
        }
        return index == literal.count
    }
}
