import NIOCore
import NIOHTTP1

/// Sluice's HTTP/1.1 request parser: a state machine with no channel, fed the bytes a client sent
/// and yielding one event at a time.
///
/// Why not NIO's llhttp-based `HTTPRequestDecoder`: a reverse proxy must refuse anything two
/// parsers could read differently (RFC 9112 §11.2, request smuggling) and answer with the exact
/// status lighttpd uses (414 vs 431, 501 for an unknown transfer coding, 505, 413), which llhttp's
/// error codes cannot tell apart. The rules are SPEC §4 "Request and response hygiene".
///
/// Use: call ``next(from:)`` until it returns nil (it then needs more bytes), passing the same
/// buffer each time; the parser consumes exactly the bytes of the events it returns, so whatever
/// is left in the buffer when it is ``isPausedForUpgrade`` belongs to the upgraded protocol.
/// Body events are slices of the input (no copies). After an `.error` the parser yields nothing
/// more: the connection must be answered and closed.
public struct HTTP1RequestParser: Sendable {
    /// One step of a request, in order: a head, any number of body slices, an end (with trailers
    /// of a chunked body, if any). Or an error, after which nothing more comes.
    public enum Event: Equatable, Sendable {
        case head(HTTPRequestHead)
        case body(ByteBuffer)
        case end(HTTPHeaders?)
        case error(HTTP1RequestError)
    }

    enum State {
        /// Between requests: skipping empty lines, then reading the request line.
        case requestLine
        /// The request line is parsed; reading header lines up to the empty line.
        case headerLines
        /// The head was returned and the request has no body: `.end` comes next.
        case messageEnd
        /// Reading the body (`body`).
        case body
        /// A request that asked to switch protocols ended: the bytes that follow may not be HTTP.
        case pausedForUpgrade
        /// An error was returned (or input ended mid-request): nothing more is parsed.
        case failed
    }

    /// The limits enforced, fixed for the connection's life.
    public let limits: HTTP1RequestLimits

    var state = State.requestLine
    /// The head being read; reset when it is returned.
    var pending = PendingRequestHead()
    /// Where an incomplete line was already searched (heads, chunk-size lines, trailers).
    var lineFinder = HTTP1LineFinder()
    /// Empty lines skipped before the current request line.
    var emptyLines = 0
    /// The body being read, in state `.body`.
    var body = HTTP1BodyReader(.length(0))
    /// Whether the request being read asked to switch protocols (so parsing pauses after it).
    var pausesAfterMessage = false

    public init(limits: HTTP1RequestLimits = .init()) {
        self.limits = limits
    }

    /// The next event the buffered bytes allow, consuming the bytes it covers; nil when more input
    /// is needed (or parsing is paused for an upgrade, or has failed).
    ///
    /// Never reads past the event it returns: pipelined requests stay in the buffer until asked for.
    public mutating func next(from buffer: inout ByteBuffer) -> Event? {
        switch state {
        case .requestLine, .headerLines:
            return parseHead(from: &buffer)

        case .messageEnd:
            finishMessage()
            return .end(nil)

        case .body:
            return readBody(from: &buffer)

        case .pausedForUpgrade, .failed:
            return nil
        }
    }

    /// The client closed its side (EOF). Returns the error to report if that cut a request body
    /// short (RFC 9112 §8: an incomplete message); nil if the input ended between requests, inside
    /// a head (nothing was passed on yet, so the connection is just closed) or after an upgrade.
    public mutating func inputEnded() -> HTTP1RequestError? {
        defer { state = .failed }
        switch state {
        case .body:
            return .truncatedBody
        case .messageEnd, .requestLine, .headerLines, .pausedForUpgrade, .failed:
            return nil
        }
    }

    /// True after the end of a request that asked to switch protocols (an `Upgrade` header in
    /// HTTP/1.1, or CONNECT): the parser waits for the server's answer before reading on, since
    /// after a 101 (or a 2xx to CONNECT) the remaining bytes belong to the new protocol.
    public var isPausedForUpgrade: Bool {
        if case .pausedForUpgrade = state { return true }
        return false
    }

    /// True while a request's head has been returned but not yet its end: the client is still
    /// sending (or owes) a body.
    public var isInsideRequest: Bool {
        switch state {
        case .messageEnd, .body: return true
        case .requestLine, .headerLines, .pausedForUpgrade, .failed: return false
        }
    }

    /// True from the head of a request that asks to switch protocols until its end: parsing will
    /// pause after it (see ``isPausedForUpgrade``).
    public var asksToSwitchProtocols: Bool { pausesAfterMessage && isInsideRequest }

    /// The server answered the upgrade request without switching protocols (RFC 9110 §7.8: it may
    /// ignore `Upgrade`), so the connection goes on as HTTP/1.1: parsing resumes, or will not
    /// pause if that request has not ended yet.
    public mutating func upgradeDeclined() {
        if isPausedForUpgrade {
            state = .requestLine
        } else {
            pausesAfterMessage = false
        }
    }

    mutating func fail(_ error: HTTP1RequestError) -> Event {
        state = .failed
        return .error(error)
    }

    /// Called once `.end` is returned: the next request, or a pause if this one asked to upgrade.
    mutating func finishMessage() {
        state = pausesAfterMessage ? .pausedForUpgrade : .requestLine
        pausesAfterMessage = false
        emptyLines = 0
    }

    /// The body's next part, with the request's limits: chunks past `server.max-request-size` are 413, a
    /// trailer section is bounded like a head.
    private mutating func readBody(from buffer: inout ByteBuffer) -> Event? {
        let bodyLimits = HTTP1BodyReader.Limits(
            maxChunkLineLength: limits.maxChunkLineLength, maxChunkedBytes: limits.maxRequestBodySize,
            maxTrailerBytes: limits.maxRequestFieldSize, maxTrailerCount: limits.maxHeaderCount)
        switch body.next(from: &buffer, finder: &lineFinder, limits: bodyLimits, parseField: Self.parseFieldLine) {
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
            case .invalidChunkSize: return fail(.invalidChunkSize)
            case .invalidChunkDelimiter: return fail(.invalidChunkDelimiter)
            case .bodyTooLarge: return fail(.bodyTooLarge)
            case .trailersTooLarge: return fail(.headerSectionTooLarge)
            case .tooManyTrailers: return fail(.tooManyHeaders)
            case .field(let error): return fail(error)
            }
        }
    }
}
