import NIOCore
import NIOHTTP1

/// The head of a CGI response (RFC 3875 §6), as FastCGI and SCGI apps write it, turned into an HTTP/1.1 response
/// head for the response parser, which then treats the exchange as it treats an HTTP backend's.
///
/// lighttpd's rules: `Status: 404 Not Found` gives the status (an app may also start with an NPH status line
/// `HTTP/1.x 404 ...`); without one, `Location` means 302 and anything else 200. Lines may end in CRLF or LF.
/// `Status`, `Connection`, `Keep-Alive` and `Transfer-Encoding` are dropped: the framing is Sluice's. A body with
/// a `Content-Length` keeps it; one without is chunked (FastCGI, whose end of response is a record) or read until
/// the close (SCGI).
enum CGIResponseHead {
    /// The longest head accepted, as for HTTP backends.
    static let maximumSize = 64 * 1024

    /// How the body after the head is framed for the response parser.
    enum BodyFraming: Equatable {
        /// No body is passed (a response to HEAD, a 204 or 304): what the app writes is dropped.
        case discarded
        /// This many bytes; more are dropped.
        case length(Int)
        /// Each piece becomes a chunk; the last chunk is written when the app ends the request.
        case chunked
        /// Everything up to the close.
        case untilClose
    }

    /// The length of the head in `bytes` including its blank line, or nil when it is not complete yet. The search
    /// starts at `from` (a line break found before it is not looked at again).
    static func headLength(in bytes: ByteBuffer, from: Int = 0) -> Int? {
        bytes.withUnsafeReadableBytes { raw -> Int? in
            var index = from
            var lineStart = from
            while index < raw.count {
                if raw[index] == HTTP1Syntax.lf {
                    let line = index - lineStart
                    if line == 0 || (line == 1 && raw[lineStart] == HTTP1Syntax.cr) { return index + 1 }
                    lineStart = index + 1
                }
                index += 1
            }
            return nil
        }
    }

    /// Writes the HTTP/1.1 head for the CGI `head` (its blank line included) to `out`. `method` is the request's;
    /// `closeDelimited`: the backend closes the connection after the response (SCGI), so the head says
    /// `Connection: close` and a body without length runs to the close.
    static func translate(
        _ head: ByteBuffer, method: HTTPMethod, closeDelimited: Bool, into out: inout ByteBuffer
    ) throws(BackendProtocolError) -> BodyFraming {
        // Read in place, field by field; values pass as bytes, whatever their encoding.
        let scan = try head.withUnsafeReadableBytes { raw throws(BackendProtocolError) -> Scan in try Scan(raw) }
        let code = scan.status ?? (scan.hasLocation ? 302 : 200)
        let framing: BodyFraming
        if method == .HEAD || code == 204 || code == 304 {
            framing = .discarded
        } else if let contentLength = scan.contentLength {
            framing = .length(contentLength)
        } else {
            framing = closeDelimited ? .untilClose : .chunked
        }
        var reason = (scan.reason?.isEmpty ?? true) ? HTTPResponseStatus(statusCode: code).reasonPhrase : ""
        // One reserved write of exactly the head's size: status line, fields, framing fields, blank line.
        let reasonLength = scan.reason.flatMap { $0.isEmpty ? nil : $0.count } ?? reason.utf8.count
        var capacity = 9 + 4 + reasonLength + 2 + 2
        for (name, value) in scan.fields { capacity += name.count + 2 + value.count + 2 }
        if framing == .chunked { capacity += 28 }  // Transfer-Encoding: chunked\r\n
        if closeDelimited { capacity += 19 }  // Connection: close\r\n
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { destination in
            head.withUnsafeReadableBytes { source in
                var offset = 0
                func put(_ bytes: UnsafeRawBufferPointer) {
                    // Never past the reservation, whatever the count said (as `PresizedByteWriter`).
                    guard let base = bytes.baseAddress, !bytes.isEmpty, offset + bytes.count <= destination.count else { return }
                    (destination.baseAddress! + offset).copyMemory(from: base, byteCount: bytes.count)
                    offset += bytes.count
                }
                func put(_ text: StaticString) {
                    put(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
                }
                func put(_ range: Range<Int>) { put(UnsafeRawBufferPointer(rebasing: source[range])) }
                put("HTTP/1.1 ")
                withUnsafeBytes(of: (UInt8(ascii: "0") + UInt8(code / 100), UInt8(ascii: "0") + UInt8(code / 10 % 10),
                                     UInt8(ascii: "0") + UInt8(code % 10), UInt8(ascii: " "))) { put($0) }
                if let given = scan.reason, !given.isEmpty { put(given) } else { reason.withUTF8 { put(UnsafeRawBufferPointer($0)) } }
                put("\r\n")
                for (name, value) in scan.fields {
                    put(name)
                    put(": ")
                    put(value)
                    put("\r\n")
                }
                if framing == .chunked { put("Transfer-Encoding: chunked\r\n") }
                if closeDelimited { put("Connection: close\r\n") }
                put("\r\n")
                assert(offset == capacity, "the CGI head's size was miscounted")
                return offset
            }
        }
        return framing
    }

    /// What the head says, as offsets into it.
    private struct Scan {
        var status: Int?
        var reason: Range<Int>?
        var fields: [(Range<Int>, Range<Int>)] = []
        var contentLength: Int?
        var hasLocation = false

        init(_ raw: UnsafeRawBufferPointer) throws(BackendProtocolError) {
            var lineStart = 0
            var first = true
            while lineStart < raw.count {
                var lineEnd = lineStart
                while lineEnd < raw.count, raw[lineEnd] != HTTP1Syntax.lf { lineEnd += 1 }
                var end = lineEnd
                if end > lineStart, raw[end - 1] == HTTP1Syntax.cr { end -= 1 }
                defer {
                    lineStart = lineEnd + 1
                    first = false
                }
                if end == lineStart { break }  // the blank line
                try line(lineStart..<end, raw, first: first)
            }
        }

        private mutating func line(_ line: Range<Int>, _ raw: UnsafeRawBufferPointer, first: Bool) throws(BackendProtocolError) {
            let bytes = UnsafeRawBufferPointer(rebasing: raw[line])
            if first, bytes.starts(with: "HTTP/".utf8) {
                // An NPH status line: `HTTP/1.1 200 OK`.
                guard let space = bytes.firstIndex(of: HTTP1Syntax.space) else { throw .badStatus(CGIResponseHead.text(bytes)) }
                try status(line.lowerBound + space + 1..<line.upperBound, raw)
                return
            }
            guard let colon = bytes.firstIndex(of: HTTP1Syntax.colon), colon > 0,
                bytes[..<colon].allSatisfy(HTTP1Syntax.isTokenByte)
            else { throw .badHeaderLine(CGIResponseHead.text(bytes)) }
            var valueStart = line.lowerBound + colon + 1
            var valueEnd = line.upperBound
            while valueStart < valueEnd, HTTP1Syntax.isWhitespace(raw[valueStart]) { valueStart += 1 }
            while valueEnd > valueStart, HTTP1Syntax.isWhitespace(raw[valueEnd - 1]) { valueEnd -= 1 }
            let value = valueStart..<valueEnd
            guard raw[value].allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == HTTP1Syntax.tab }) else {
                throw .badHeaderLine(CGIResponseHead.text(bytes))
            }
            let name = UnsafeRawBufferPointer(rebasing: bytes[..<colon])
            if HTTP1Syntax.equalsIgnoringCase(name, "status") {
                try status(value, raw)
            } else if HTTP1Syntax.equalsIgnoringCase(name, "connection") || HTTP1Syntax.equalsIgnoringCase(name, "keep-alive")
                || HTTP1Syntax.equalsIgnoringCase(name, "transfer-encoding")
            {
                return
            } else if HTTP1Syntax.equalsIgnoringCase(name, "content-length") {
                let digits = UnsafeRawBufferPointer(rebasing: raw[value])
                guard !digits.isEmpty, digits.count < 19, digits.allSatisfy(HTTP1Syntax.isDigit) else {
                    throw .badContentLength(CGIResponseHead.text(digits))
                }
                let length = digits.reduce(0) { $0 * 10 + Int($1 &- 0x30) }
                guard contentLength == nil || contentLength == length else { throw .badContentLength(CGIResponseHead.text(digits)) }
                if contentLength == nil { fields.append((line.lowerBound..<line.lowerBound + colon, value)) }
                contentLength = length
            } else {
                if HTTP1Syntax.equalsIgnoringCase(name, "location") { hasLocation = true }
                fields.append((line.lowerBound..<line.lowerBound + colon, value))
            }
        }

        /// `404 Not Found` or `404`: the code (200–599; an app sends no interim answers) and the reason.
        private mutating func status(_ range: Range<Int>, _ raw: UnsafeRawBufferPointer) throws(BackendProtocolError) {
            let value = UnsafeRawBufferPointer(rebasing: raw[range])
            guard value.count >= 3, value[..<3].allSatisfy(HTTP1Syntax.isDigit), value.count == 3 || value[3] == HTTP1Syntax.space
            else { throw .badStatus(CGIResponseHead.text(value)) }
            let code = value[..<3].reduce(0) { $0 * 10 + Int($1 &- 0x30) }
            guard (200...599).contains(code) else { throw .badStatus(CGIResponseHead.text(value)) }
            var start = range.lowerBound + min(4, value.count)
            var end = range.upperBound
            while start < end, HTTP1Syntax.isWhitespace(raw[start]) { start += 1 }
            while end > start, HTTP1Syntax.isWhitespace(raw[end - 1]) { end -= 1 }
            status = code
            reason = start..<end
        }
    }

    /// For error messages: at most 200 bytes.
    static func text(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes.prefix(200), as: UTF8.self)
    }
}
