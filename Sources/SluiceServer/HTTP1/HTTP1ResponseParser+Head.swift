import NIOCore
import NIOHTTP1
import SluiceCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What is known of a response head while its lines are read.
struct PendingResponseHead {
    var version = HTTPVersion.http1_1
    var status = 0
    var fields = UpstreamResponseHead.Builder()
    /// Bytes of status line and header lines so far, line ends included.
    var headBytes = 0
    var contentLength: Int?
    /// `Transfer-Encoding` was present, with this many codings (over every such field).
    var transferCodings: Int?
    var lastCodingIsChunked = false
}

extension HTTP1ResponseParser {
    /// How far a scan over buffered lines got.
    enum LineProgress {
        case needMoreData
        case progressed
        case failed(HTTP1ResponseError)
    }

    /// Reads head lines (empty lines, status line, header lines) up to the empty line that ends the
    /// head, consuming each complete line; then decides the framing and returns the head.
    mutating func parseHead(from buffer: inout ByteBuffer) -> Event? {
        let (consumed, progress) = buffer.withUnsafeReadableBytes { raw in
            let result = self.scanHeadLines(raw)
            // Lines kept as they came point into `raw`: copied before it goes away.
            self.pending.fields.flushRun()
            return result
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        switch progress {
        case .needMoreData: return nil
        case .failed(let error): return fail(error)
        case .progressed: return completeHead()
        }
    }

    /// Consumes complete lines of `raw`; `.progressed` means the head's empty line was reached.
    private mutating func scanHeadLines(_ raw: UnsafeRawBufferPointer) -> (Int, LineProgress) {
        var offset = 0
        while true {
            let readingStatusLine: Bool
            if case .statusLine = state { readingStatusLine = true } else { readingStatusLine = false }
            // Bytes with no request waiting for them are surplus (say, beyond a Content-Length):
            // refused at once, not once a whole head has arrived.
            if readingStatusLine, expected.isEmpty, offset < raw.count, raw[offset] != HTTP1Syntax.cr,
                raw[offset] != HTTP1Syntax.lf
            {
                return (offset, .failed(.unsolicitedResponse))
            }
            // A line may hold what is left of the budget plus its CRLF; the final empty line always fits.
            let budget = max(0, limits.maxHeadSize - pending.headBytes)
            guard let lineFeed = lineFinder.lineFeed(in: raw, from: offset, window: budget + 2) else {
                if raw.count - offset >= budget + 2 { return (offset, .failed(.headSectionTooLarge)) }
                return (offset, .needMoreData)
            }
            // RFC 9112 §2.2: a bare LF may end a head line; a CR anywhere else is refused below.
            let lineEnd = lineFeed > offset && raw[lineFeed - 1] == HTTP1Syntax.cr ? lineFeed - 1 : lineFeed
            let line = UnsafeRawBufferPointer(rebasing: raw[offset..<lineEnd])
            let lineLength = lineFeed + 1 - offset
            offset = lineFeed + 1

            if readingStatusLine {
                if line.isEmpty {
                    emptyLines += 1
                    if emptyLines > limits.maxLeadingEmptyLines { return (offset, .failed(.tooManyEmptyLines)) }
                    continue
                }
                if expected.isEmpty { return (offset, .failed(.unsolicitedResponse)) }
                if let error = parseStatusLine(line) { return (offset, .failed(error)) }
                pending.headBytes = lineLength
                state = .headerLines
            } else {
                if line.isEmpty { return (offset, .progressed) }
                pending.headBytes += lineLength
                guard pending.headBytes <= limits.maxHeadSize else { return (offset, .failed(.headSectionTooLarge)) }
                let received = UnsafeRawBufferPointer(rebasing: raw[(offset - lineLength)..<offset])
                if let error = addHeaderLine(line, received: received) { return (offset, .failed(error)) }
            }
        }
    }

    /// `HTTP-version SP status-code SP [ reason-phrase ]` (RFC 9112 §4); the SP before an empty
    /// reason may be missing, as many servers send it. The reason is checked (no CTLs but HTAB) and
    /// dropped: the proxy writes its own. Versions other than 1.0 and 1.1 are refused, as NIO's
    /// decoder did.
    private mutating func parseStatusLine(_ line: UnsafeRawBufferPointer) -> HTTP1ResponseError? {
        guard line.count >= 12, HTTP1RequestParser.hasPrefix(line, "HTTP/"), HTTP1Syntax.isDigit(line[5]),
            line[6] == UInt8(ascii: "."), HTTP1Syntax.isDigit(line[7]), line[8] == HTTP1Syntax.space,
            HTTP1Syntax.isDigit(line[9]), HTTP1Syntax.isDigit(line[10]), HTTP1Syntax.isDigit(line[11])
        else { return .invalidStatusLine }
        guard line[5] == UInt8(ascii: "1"), line[7] <= UInt8(ascii: "1") else { return .unsupportedVersion }
        let status = Int(line[9] &- 0x30) * 100 + Int(line[10] &- 0x30) * 10 + Int(line[11] &- 0x30)
        // RFC 9110 §15: the first digit is the class, and only 1 to 5 exist.
        guard (100...599).contains(status) else { return .invalidStatusCode }
        if line.count > 12 {
            guard line[12] == HTTP1Syntax.space else { return .invalidStatusLine }
            for byte in line[13...] where byte < HTTP1Syntax.space && byte != HTTP1Syntax.tab || byte == 0x7F {
                return byte == HTTP1Syntax.cr ? .bareCarriageReturn : .invalidStatusLine
            }
        }
        pending.version = line[7] == UInt8(ascii: "1") ? .http1_1 : .http1_0
        pending.status = status
        return nil
    }

    /// Adds one header line to the pending head, noting the fields that decide framing and persistence.
    /// Bytes ≥ 0x80 (obs-text) are let through as they are.
    /// `received` is `line` with its line end.
    private mutating func addHeaderLine(_ line: UnsafeRawBufferPointer, received: UnsafeRawBufferPointer)
        -> HTTP1ResponseError?
    {
        let field: HTTP1FieldLine
        switch HTTP1FieldLine.parse(line) {
        case .success(let parsed): field = parsed
        case .failure(let failure): return Self.error(failure)
        }
        guard pending.fields.count < limits.maxHeaderCount else { return .tooManyHeaders }
        let name = UnsafeRawBufferPointer(rebasing: line[field.name])
        let value = UnsafeRawBufferPointer(rebasing: line[field.value])
        let kind = ProxyHeaderName(bytes: name.assumingMemoryBound(to: UInt8.self))
        switch kind {
        case .contentLength:
            if let error = noteContentLength(value) { return error }
        case .transferEncoding:
            noteTransferEncoding(value)
        case .connection:
            pending.fields.noteConnection(value)
        default:
            break
        }
        pending.fields.add(line: received, name: field.name, value: field.value, kind: kind)
        return nil
    }

    static func error(_ failure: HTTP1FieldLine.Failure) -> HTTP1ResponseError {
        switch failure {
        case .obsoleteLineFolding: return .obsoleteLineFolding
        case .invalidName: return .invalidHeaderName
        case .invalidValue: return .invalidHeaderValue
        case .bareCarriageReturn: return .bareCarriageReturn
        }
    }

    /// `Content-Length = 1*DIGIT` (RFC 9110 §8.6). A second field or a list is refused even when the
    /// values agree (RFC 9112 §6.3 allows merging; llhttp, and so NIO, refused it too).
    private mutating func noteContentLength(_ value: UnsafeRawBufferPointer) -> HTTP1ResponseError? {
        guard pending.contentLength == nil else { return .multipleContentLength }
        switch HTTP1Syntax.contentLength(value) {
        case .list: return .multipleContentLength
        case .invalid: return .invalidContentLength
        case .length(let length): pending.contentLength = length
        }
        return nil
    }

    /// Folds one `Transfer-Encoding` field into the codings seen so far (several fields form one
    /// list, RFC 9110 §5.3); only whether the last one is `chunked` matters.
    private mutating func noteTransferEncoding(_ value: UnsafeRawBufferPointer) {
        var count = pending.transferCodings ?? 0
        var lastIsChunked = pending.lastCodingIsChunked
        HTTP1Syntax.forEachListElement(in: value) { coding in
            count += 1
            lastIsChunked = HTTP1Syntax.equalsIgnoringCase(coding, "chunked")
        }
        pending.lastCodingIsChunked = lastIsChunked
        pending.transferCodings = count
    }

    /// The head is complete: chooses how the body is read (RFC 9112 §6.3) and returns the head.
    ///
    /// No body after a 1xx, 204 or 304, or in answer to `HEAD`/`CONNECT`, whatever the headers say
    /// (§6.3 rules 1-2); then a final `chunked` coding; then `Content-Length`; else until close.
    /// `Content-Length` with `Transfer-Encoding` is refused (§6.3 rule 3 allows reading it as
    /// chunked; llhttp, and so NIO, refused it); a coding other than a final `chunked` too (SPEC §4;
    /// §6.3 would read it until close).
    mutating func completeHead() -> Event {
        let head = pending
        pending = PendingResponseHead()
        if head.transferCodings != nil && head.contentLength != nil {
            return fail(.contentLengthWithTransferEncoding)
        }
        let status = head.status
        // An interim response keeps the request waiting for its final one (RFC 9110 §15.2).
        let interim = status < 200 && status != 101
        // A final response answers the oldest request (the scan refused it if none was waiting).
        let answersBodiless = !interim && !expected.isEmpty && expected.removeFirst()
        let noBody = interim || answersBodiless || status == 101 || status == 204 || status == 304

        if interim {
            state = .statusLine
            emptyLines = 0
        } else if noBody {
            switchesAfterMessage = status == 101
            state = .messageEnd
        } else if let codings = head.transferCodings {
            guard codings > 0, head.lastCodingIsChunked else { return fail(.unsupportedTransferCoding) }
            body = HTTP1BodyReader(.chunked)
            state = .body
        } else if let length = head.contentLength {
            if length > 0 {
                body = HTTP1BodyReader(.length(length))
                state = .body
            } else {
                state = .messageEnd
            }
        } else {
            body = HTTP1BodyReader(.untilClose)
            state = .body
        }
        var parsed = head.fields.finish(version: head.version, status: HTTPResponseStatus(statusCode: status))
        // A body delimited by the close ends the connection, whatever `Connection` said (RFC 9112 §9.3).
        if case .body = state, body.readsUntilClose { parsed.isKeepAlive = false }
        return .head(parsed)
    }
}
