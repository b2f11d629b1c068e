import NIOCore
import NIOHTTP1

/// The output of a CGI-style app (FastCGI `STDOUT`, an SCGI connection's bytes), one response after another,
/// turned into HTTP/1.1 for the response parser: the head through `CGIResponseHead`, the body as it arrives,
/// framed as the head says (no buffering beyond the head).
///
/// With FastCGI (`endsWithRecord`) the response the parser sees ends only when the app ends the request
/// (`END_REQUEST`): the bytes that would complete it earlier (a sized body's last piece; the head of a response
/// without a body) are held until then. Otherwise the connection would go back to its pool, and take the next
/// request, while the app is still finishing this one (and may close the connection after it).
struct CGIResponseStream {
    /// SCGI: the app closes the connection after its response.
    let closeDelimited: Bool
    /// FastCGI: `END_REQUEST` ends each response.
    private var endsWithRecord: Bool { !closeDelimited }
    /// Methods of the requests sent and not answered yet, oldest first (a HEAD response has no body).
    private var methods: [HTTPMethod] = []
    /// The head read so far; nil once it is complete.
    private var head: ByteBuffer?
    /// How far `head` has been searched for its blank line (the next search resumes there).
    private var headScanned = 0
    private var framing: CGIResponseHead.BodyFraming?
    /// Bytes still to pass under `.length`.
    private var remaining = 0
    /// What completes the response, held until `END_REQUEST` (FastCGI).
    private var held: ByteBuffer?
    /// The app wrote more than its `Content-Length`.
    private var surplus = false

    init(closeDelimited: Bool) {
        self.closeDelimited = closeDelimited
    }

    mutating func expectResponse(to method: HTTPMethod) {
        methods.append(method)
    }

    /// The app's next bytes.
    mutating func output(_ bytes: ByteBuffer, into out: inout ByteBuffer) throws(BackendProtocolError) {
        guard let framing else {
            try headBytes(bytes, into: &out)
            return
        }
        switch framing {
        case .discarded:
            break
        case .length:
            guard remaining > 0 else {
                if bytes.readableBytes > 0 { surplus = true }
                return
            }
            let count = min(remaining, bytes.readableBytes)
            remaining -= count
            if count < bytes.readableBytes { surplus = true }
            let piece = bytes.getSlice(at: bytes.readerIndex, length: count)!
            if remaining == 0 && endsWithRecord {
                held = piece
            } else {
                out.writeImmutableBuffer(piece)
            }
        case .chunked:
            guard bytes.readableBytes > 0 else { return }
            out.writeString(String(bytes.readableBytes, radix: 16))
            out.writeStaticString("\r\n")
            out.writeImmutableBuffer(bytes)
            out.writeStaticString("\r\n")
        case .untilClose:
            out.writeImmutableBuffer(bytes)
        }
    }

    private mutating func headBytes(_ bytes: ByteBuffer, into out: inout ByteBuffer) throws(BackendProtocolError) {
        // Appended in place (taken out of `head` first, so the storage is not shared and copied).
        var collected = head ?? ByteBuffer()
        head = nil
        var input = bytes
        collected.writeBuffer(&input)
        // Resume at the start of the last line seen (a blank line is only recognised from a line's start).
        let from = collected.withUnsafeReadableBytes { raw in
            (raw[..<min(headScanned, raw.count)].lastIndex(of: 0x0A)).map { $0 + 1 } ?? 0
        }
        guard let length = CGIResponseHead.headLength(in: collected, from: from) else {
            guard collected.readableBytes <= CGIResponseHead.maximumSize else { throw .headTooLarge }
            headScanned = collected.readableBytes
            head = collected
            return
        }
        guard length <= CGIResponseHead.maximumSize else { throw .headTooLarge }
        headScanned = 0
        let method = methods.isEmpty ? .GET : methods.removeFirst()
        var translated = ByteBuffer()
        let bodyFraming = try CGIResponseHead.translate(
            collected.readSlice(length: length)!, method: method, closeDelimited: closeDelimited, into: &translated)
        framing = bodyFraming
        switch bodyFraming {
        case .length(let count) where count > 0:
            remaining = count
            out.writeBuffer(&translated)
        case .length, .discarded:
            // Complete with its head: held until END_REQUEST (FastCGI).
            if endsWithRecord { held = translated } else { out.writeBuffer(&translated) }
        case .chunked, .untilClose:
            out.writeBuffer(&translated)
        }
        if collected.readableBytes > 0 { try output(collected, into: &out) }
    }

    /// The app ended the response (FastCGI `END_REQUEST`): what was held goes out, a chunked body gets its last
    /// chunk; a head or a sized body cut short is an error, and so is output beyond the `Content-Length` (after
    /// the complete response: the connection is not reused).
    mutating func end(into out: inout ByteBuffer) throws(BackendProtocolError) {
        defer {
            framing = nil
            head = nil
            headScanned = 0
            remaining = 0
            held = nil
            surplus = false
        }
        if var held { out.writeBuffer(&held) }
        switch framing {
        case nil:
            throw (head?.readableBytes ?? 0) > 0 ? .headIncomplete : .noOutput
        case .chunked:
            out.writeStaticString("0\r\n\r\n")
        case .length:
            if remaining > 0 { throw .bodyIncomplete }
            if surplus { throw .surplus }
        case .discarded, .untilClose:
            break
        }
    }
}
