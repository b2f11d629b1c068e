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
        // Bytes, not a String: a field value's bytes pass unchanged, whatever their encoding.
        let bytes = Array(head.readableBytesView)
        var lines = bytes.split(separator: HTTP1Syntax.lf, omittingEmptySubsequences: false).map {
            $0.last == HTTP1Syntax.cr ? $0.dropLast() : $0
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        var status: Int?
        var reason: ArraySlice<UInt8> = []
        var fields: [(ArraySlice<UInt8>, ArraySlice<UInt8>)] = []
        var contentLength: Int?
        var hasLocation = false
        for (number, line) in lines.enumerated() {
            if number == 0, line.starts(with: "HTTP/".utf8) {
                // An NPH status line: `HTTP/1.1 200 OK`.
                guard let space = line.firstIndex(of: HTTP1Syntax.space) else { throw .badStatus(text(line)) }
                (status, reason) = try parseStatus(line[(space + 1)...])
                continue
            }
            guard let colon = line.firstIndex(of: HTTP1Syntax.colon), colon > line.startIndex,
                line[..<colon].allSatisfy(HTTP1Syntax.isTokenByte)
            else { throw .badHeaderLine(text(line)) }
            let name = line[..<colon]
            let value = trimmed(line[(colon + 1)...])
            guard value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == HTTP1Syntax.tab }) else {
                throw .badHeaderLine(text(line))
            }
            switch String(decoding: name, as: UTF8.self).lowercased() {
            case "status":
                (status, reason) = try parseStatus(value)
            case "connection", "keep-alive", "transfer-encoding":
                break
            case "content-length":
                guard !value.isEmpty, value.allSatisfy(HTTP1Syntax.isDigit), value.count < 19,
                    let length = Int(text(value)), contentLength == nil || contentLength == length
                else { throw .badContentLength(text(value)) }
                if contentLength == nil { fields.append((name, value)) }
                contentLength = length
            case "location":
                hasLocation = true
                fields.append((name, value))
            default:
                fields.append((name, value))
            }
        }
        let code = status ?? (hasLocation ? 302 : 200)
        out.writeString("HTTP/1.1 \(code) ")
        if reason.isEmpty { out.writeString(HTTPResponseStatus(statusCode: code).reasonPhrase) } else { out.writeBytes(reason) }
        out.writeStaticString("\r\n")
        for (name, value) in fields {
            out.writeBytes(name)
            out.writeStaticString(": ")
            out.writeBytes(value)
            out.writeStaticString("\r\n")
        }
        let framing: BodyFraming
        if method == .HEAD || code == 204 || code == 304 {
            framing = .discarded
        } else if let contentLength {
            framing = .length(contentLength)
        } else if closeDelimited {
            framing = .untilClose
        } else {
            out.writeStaticString("Transfer-Encoding: chunked\r\n")
            framing = .chunked
        }
        if closeDelimited { out.writeStaticString("Connection: close\r\n") }
        out.writeStaticString("\r\n")
        return framing
    }

    /// `404 Not Found` or `404`: the code (200–599; an app sends no interim answers) and the reason.
    private static func parseStatus(_ value: ArraySlice<UInt8>) throws(BackendProtocolError) -> (Int, ArraySlice<UInt8>) {
        let digits = value.prefix(3)
        guard digits.count == 3, digits.allSatisfy(HTTP1Syntax.isDigit), let code = Int(text(digits)),
            (200...599).contains(code), value.count == 3 || value.dropFirst(3).first == HTTP1Syntax.space
        else { throw .badStatus(text(value)) }
        return (code, trimmed(value.dropFirst(4)))
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, HTTP1Syntax.isWhitespace(first) { slice.removeFirst() }
        while let last = slice.last, HTTP1Syntax.isWhitespace(last) { slice.removeLast() }
        return slice
    }

    /// For error messages: at most 200 bytes.
    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix(200), as: UTF8.self)
    }
}
