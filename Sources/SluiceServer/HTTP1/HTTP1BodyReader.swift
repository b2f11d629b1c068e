import NIOCore
import NIOHTTP1

/// The body of one HTTP/1.1 message after its head (RFC 9112 §6.3, §7.1), read the same way for requests
/// and responses: a length, chunks with their trailer section, or (responses only) everything until the
/// close. Each parser keeps its head rules, limits and error type, starts a reader with the framing its
/// head decided, and maps the reader's failures onto its own errors. Body parts are slices of the input.
struct HTTP1BodyReader {
    enum Framing: Equatable {
        /// `Content-Length` (a zero length ends at once).
        case length(Int)
        case chunked
        /// A response without length (RFC 9112 §6.3 rule 8): its end is the backend's close.
        case untilClose
    }

    struct Limits {
        /// The most bytes of a chunk-size line, extensions included.
        var maxChunkLineLength: Int
        /// The most chunk data in one body (nil: unbounded).
        var maxChunkedBytes: Int?
        /// The most bytes of the trailer section, line ends included.
        var maxTrailerBytes: Int
        /// The most trailer fields.
        var maxTrailerCount: Int
    }

    /// Why the body cannot be read on; `FieldError` is the parser's error for a bad trailer line.
    enum Failure<FieldError> {
        case chunkLineTooLong
        case invalidChunkSize
        case invalidChunkDelimiter
        /// The chunks together pass `maxChunkedBytes`.
        case bodyTooLarge
        case trailersTooLarge
        case tooManyTrailers
        case field(FieldError)
    }

    enum Step<FieldError> {
        case body(ByteBuffer)
        /// The body is complete; the trailer fields of a chunked one (nil when there were none).
        case end(HTTPHeaders?)
        case needMoreData
        case failed(Failure<FieldError>)
    }

    private enum State {
        case fixed(remaining: Int)
        case untilClose
        /// Before a chunk-size line.
        case chunkSize
        case chunkData(remaining: Int)
        /// After a chunk's data, before its CRLF.
        case chunkDataEnd
        /// After the last chunk, up to the empty line.
        case trailerLines
        case complete
    }

    private var state: State
    private var chunkedBytes = 0
    private var trailers = HTTP1TrailerSection()

    init(_ framing: Framing) {
        switch framing {
        case .length(let length): state = length > 0 ? .fixed(remaining: length) : .complete
        case .chunked: state = .chunkSize
        case .untilClose: state = .untilClose
        }
    }

    /// The body ends with the connection (the only way a close is not a truncation).
    var readsUntilClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// The next step the buffered bytes allow, consuming the bytes it covers. `parseField` applies the
    /// parser's field-line rules to a trailer line (without its line end).
    mutating func next<FieldError>(
        from buffer: inout ByteBuffer, finder: inout HTTP1LineFinder, limits: Limits,
        parseField: (UnsafeRawBufferPointer) -> Result<HTTP1FieldLine, FieldError>
    ) -> Step<FieldError> {
        while true {
            switch state {
            case .complete:
                return .end(nil)

            case .fixed(let remaining):
                guard let slice = Self.slice(of: &buffer, upTo: remaining) else { return .needMoreData }
                let left = remaining - slice.readableBytes
                state = left == 0 ? .complete : .fixed(remaining: left)
                return .body(slice)

            case .untilClose:
                guard let slice = Self.slice(of: &buffer, upTo: .max) else { return .needMoreData }
                return .body(slice)

            case .chunkSize:
                switch HTTP1ChunkedFraming.sizeLine(from: &buffer, finder: &finder, maxLength: limits.maxChunkLineLength) {
                case .needMoreData: return .needMoreData
                case .tooLong: return .failed(.chunkLineTooLong)
                case .invalid: return .failed(.invalidChunkSize)
                case .size(0): state = .trailerLines
                case .size(let size):
                    if let maxBytes = limits.maxChunkedBytes {
                        let (total, overflow) = chunkedBytes.addingReportingOverflow(size)
                        if overflow || total > maxBytes { return .failed(.bodyTooLarge) }
                        chunkedBytes = total
                    }
                    state = .chunkData(remaining: size)
                }

            case .chunkData(let remaining):
                guard let slice = Self.slice(of: &buffer, upTo: remaining) else { return .needMoreData }
                let left = remaining - slice.readableBytes
                state = left == 0 ? .chunkDataEnd : .chunkData(remaining: left)
                return .body(slice)

            case .chunkDataEnd:
                switch HTTP1ChunkedFraming.dataEnd(from: &buffer) {
                case .needMoreData: return .needMoreData
                case .invalid: return .failed(.invalidChunkDelimiter)
                case .done: state = .chunkSize
                }

            case .trailerLines:
                let maxCount = limits.maxTrailerCount
                let outcome = trailers.read(from: &buffer, finder: &finder, maxBytes: limits.maxTrailerBytes) {
                    line, section -> Failure<FieldError>? in
                    switch parseField(line) {
                    case .failure(let error):
                        return .field(error)
                    case .success(let field):
                        guard section.fields.count < maxCount else { return .tooManyTrailers }
                        section.append(line, field)
                        return nil
                    }
                }
                switch outcome {
                case .needMoreData: return .needMoreData
                case .tooLarge: return .failed(.trailersTooLarge)
                case .failed(let failure): return .failed(failure)
                case .complete(let fields):
                    state = .complete
                    return .end(fields)
                }
            }
        }
    }

    /// Up to `limit` readable bytes as a slice of `buffer` (no copy), or nil if none are buffered.
    private static func slice(of buffer: inout ByteBuffer, upTo limit: Int) -> ByteBuffer? {
        let count = min(limit, buffer.readableBytes)
        guard count > 0 else { return nil }
        return buffer.readSlice(length: count)
    }
}
