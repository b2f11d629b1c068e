import NIOCore
import NIOHTTP1

/// A chunked request body (RFC 9112 §7.1) through the shared `HTTP1ChunkedFraming`, with the request's
/// limits: a size too long to fit, or the body past `server.max-request-size`, is refused.
extension HTTP1RequestParser {
    /// `chunk-size [ chunk-ext ] CRLF`. A zero size starts the trailer section.
    mutating func parseChunkSizeLine(from buffer: inout ByteBuffer) -> LineProgress {
        switch HTTP1ChunkedFraming.sizeLine(from: &buffer, finder: &lineFinder, maxLength: limits.maxChunkLineLength) {
        case .needMoreData:
            return .needMoreData
        case .tooLong:
            return .failed(.chunkLineTooLong)
        case .invalid:
            return .failed(.invalidChunkSize)
        case .size(0):
            trailers = HTTP1TrailerSection()
            state = .trailerLines
            return .progressed
        case .size(let size):
            let (total, overflow) = chunkedBodyBytes.addingReportingOverflow(size)
            if overflow { return .failed(.bodyTooLarge) }
            if let maxBody = limits.maxRequestBodySize, total > maxBody { return .failed(.bodyTooLarge) }
            chunkedBodyBytes = total
            state = .chunkData(remaining: size)
            return .progressed
        }
    }

    /// The CRLF that must follow a chunk's data.
    mutating func parseChunkDataEnd(from buffer: inout ByteBuffer) -> LineProgress {
        switch HTTP1ChunkedFraming.dataEnd(from: &buffer) {
        case .needMoreData: return .needMoreData
        case .invalid: return .failed(.invalidChunkDelimiter)
        case .done:
            state = .chunkSize
            return .progressed
        }
    }

    /// Trailer lines up to the empty line ending the chunked body, with the head's field rules and
    /// bounds. Returns `.end` with them (nil when there were none).
    mutating func parseTrailers(from buffer: inout ByteBuffer) -> Event? {
        let maxFields = limits.maxHeaderCount
        let outcome = trailers.read(from: &buffer, finder: &lineFinder, maxBytes: limits.maxRequestFieldSize) {
            line, section -> HTTP1RequestError? in
            switch Self.parseFieldLine(line) {
            case .failure(let error):
                return error
            case .success(let field):
                guard section.fields.count < maxFields else { return .tooManyHeaders }
                section.append(line, field)
                return nil
            }
        }
        switch outcome {
        case .needMoreData: return nil
        case .tooLarge: return fail(.headerSectionTooLarge)
        case .failed(let error): return fail(error)
        case .complete(let fields):
            finishMessage()
            return .end(fields)
        }
    }
}
