import NIOCore
import NIOHTTP1

/// Sluice's HTTP/1.1 response parser, for the bytes a backend sends: a state machine with no
/// channel, yielding one event at a time (the counterpart of ``HTTP1RequestParser``).
///
/// Why not NIO's `HTTPResponseDecoder`: on a small proxied request its llhttp callbacks (one per
/// header piece), closures and `ByteToMessageHandler` loop cost about as much as the rest of the
/// upstream side; here a head is split on its line ends with `memchr`, its `HTTPHeaders` built once,
/// and body events are slices of the input. The rules are RFC 9112 §4-§7 and SPEC §4 "Backend
/// responses": anything unparsable or ambiguous is an error, which the proxy answers with 502.
///
/// Use: tell the parser the method of each request sent (``expectResponse(to:)``: a response to
/// `HEAD` has no body whatever its headers say); call ``next(from:)`` until it returns nil, passing
/// the same buffer each time (unconsumed bytes stay in it). After a `101 Switching Protocols` it
/// stops (``hasSwitchedProtocols``): what is left in the buffer belongs to the new protocol. At the
/// end of input call ``inputEnded(unconsumed:)``: a body read until close ends there.
struct HTTP1ResponseParser {
    /// One step of a response, in order: a head, any number of body slices, an end (with trailers
    /// of a chunked body, if any). An interim (1xx but 101) response is a head alone. Or an error,
    /// after which nothing more comes.
    enum Event: Equatable, Sendable {
        case head(UpstreamResponseHead)
        case body(ByteBuffer)
        case end(HTTPHeaders?)
        case error(HTTP1ResponseError)
    }

    /// Bounds that protect the proxy from a backend: NIO's decoder allowed 80 KiB of names and
    /// values; a head is rarely over a few KiB.
    struct Limits: Sendable, Hashable {
        /// The most bytes of status line and header lines with their line ends (and, separately,
        /// of a chunked body's trailer section).
        var maxHeadSize: Int
        /// The most header fields in a head (or trailer fields).
        var maxHeaderCount: Int
        /// The most bytes of a chunk-size line, extensions included.
        var maxChunkLineLength: Int
        /// The most empty lines skipped before a status line (a stray CRLF after a body).
        var maxLeadingEmptyLines: Int

        init(
            maxHeadSize: Int = 64 * 1024, maxHeaderCount: Int = 256, maxChunkLineLength: Int = 1024,
            maxLeadingEmptyLines: Int = 4
        ) {
            self.maxHeadSize = maxHeadSize
            self.maxHeaderCount = maxHeaderCount
            self.maxChunkLineLength = maxChunkLineLength
            self.maxLeadingEmptyLines = maxLeadingEmptyLines
        }
    }

    enum State {
        /// Between responses: skipping empty lines, then reading the status line.
        case statusLine
        /// The status line is parsed; reading header lines up to the empty line.
        case headerLines
        /// The head was returned and the response has no (more) body: `.end` comes next.
        case messageEnd
        /// Reading the body (`body`).
        case body
        /// A `101` ended: the bytes that follow belong to the new protocol.
        case switchedProtocols
        /// An error was returned, or input ended: nothing more is parsed.
        case failed
    }

    let limits: Limits

    var state = State.statusLine
    /// For each request sent and not answered yet, oldest first: whether its response has no body
    /// (`HEAD`, `CONNECT`; RFC 9110 §9.3.2, §9.3.6).
    var expected: [Bool] = []
    /// The head being read; reset when it is returned.
    var pending = PendingResponseHead()
    /// Where an incomplete line was already searched (heads, chunk-size lines, trailers).
    var lineFinder = HTTP1LineFinder()
    /// Empty lines skipped before the current status line.
    var emptyLines = 0
    /// The response being read is a `101`: parsing stops after its end.
    var switchesAfterMessage = false
    /// The body being read, in state `.body`.
    var body = HTTP1BodyReader(.length(0))

    init(limits: Limits = .init()) {
        self.limits = limits
        expected.reserveCapacity(2)
    }

    /// A request with this method was sent: the next final response answers it.
    mutating func expectResponse(to method: HTTPMethod) {
        expected.append(method == .HEAD || method == .CONNECT)
    }

    /// True after a `101 Switching Protocols` ended: nothing more is parsed.
    var hasSwitchedProtocols: Bool {
        if case .switchedProtocols = state { return true }
        return false
    }

    /// The next event the buffered bytes allow, consuming the bytes it covers; nil when more input
    /// is needed (or parsing has stopped after a 101 or an error).
    mutating func next(from buffer: inout ByteBuffer) -> Event? {
        switch state {
        case .statusLine, .headerLines:
            return parseHead(from: &buffer)

        case .messageEnd:
            finishMessage()
            return .end(nil)

        case .body:
            return readBody(from: &buffer)

        case .switchedProtocols, .failed:
            return nil
        }
    }

    /// The backend closed its side; `unconsumed` is how many bytes the caller still holds unparsed.
    /// Returns `.end` when an orderly close (EOF) ends a body read until close, an error when it cuts
    /// a head or a framed body short (RFC 9112 §8: an incomplete message must not look complete),
    /// nil between responses or after a 101. After a `reset` (a socket error: the backend died) a body
    /// read until close is cut short too: only a FIN marks its end.
    mutating func inputEnded(unconsumed: Int, reset: Bool = false) -> Event? {
        defer { state = .failed }
        switch state {
        case .body where body.readsUntilClose:
            return reset ? .error(.truncatedBody) : .end(nil)
        case .body:
            return .error(.truncatedBody)
        case .messageEnd:
            return .end(nil)
        case .statusLine:
            return unconsumed > 0 ? .error(.truncatedHead) : nil
        case .headerLines:
            return .error(.truncatedHead)
        case .switchedProtocols, .failed:
            return nil
        }
    }

    mutating func fail(_ error: HTTP1ResponseError) -> Event {
        state = .failed
        return .error(error)
    }

    /// Called once `.end` is returned: the next response, or a stop after a 101.
    mutating func finishMessage() {
        state = switchesAfterMessage ? .switchedProtocols : .statusLine
        switchesAfterMessage = false
        emptyLines = 0
    }

    /// The body's next part; a trailer section is bounded like a head.
    private mutating func readBody(from buffer: inout ByteBuffer) -> Event? {
        let bodyLimits = HTTP1BodyReader.Limits(
            maxChunkLineLength: limits.maxChunkLineLength, maxChunkedBytes: nil, maxTrailerBytes: limits.maxHeadSize,
            maxTrailerCount: limits.maxHeaderCount)
        let step = body.next(from: &buffer, finder: &lineFinder, limits: bodyLimits) { line in
            HTTP1FieldLine.parse(line).mapError(Self.error)
        }
        switch step {
        case .body(let slice):
            return .body(slice)
        case .end(let trailers):
            finishMessage()
            return .end(trailers)
        case .needMoreData:
            return nil
        case .failed(let failure):
            switch failure {
            case .chunkLineTooLong: return fail(.chunkLineTooLong)
            case .invalidChunkSize, .bodyTooLarge: return fail(.invalidChunkSize)  // no bound on a response's chunks
            case .invalidChunkDelimiter: return fail(.invalidChunkDelimiter)
            case .trailersTooLarge: return fail(.headSectionTooLarge)
            case .tooManyTrailers: return fail(.tooManyHeaders)
            case .field(let error): return fail(error)
            }
        }
    }
}
