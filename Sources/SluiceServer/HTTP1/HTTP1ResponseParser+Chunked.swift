import NIOCore
import NIOHTTP1

extension HTTP1ResponseParser {
    /// `chunk-size [ chunk-ext ] CRLF` (RFC 9112 §7.1), read with the request parser's rules: hex
    /// size, extensions checked and ignored, CRLF required (a bare LF in chunk framing is refused).
    /// A zero size starts the trailer section.
    mutating func parseChunkSizeLine(from buffer: inout ByteBuffer) -> LineProgress {
        let (consumed, outcome) = buffer.withUnsafeReadableBytes { raw -> (Int, ChunkLine) in
            guard let lineFeed = findLineFeed(raw, from: 0, window: limits.maxChunkLineLength + 2) else {
                return (0, raw.count >= limits.maxChunkLineLength + 2 ? .failed(.chunkLineTooLong) : .incomplete)
            }
            guard lineFeed > 0, raw[lineFeed - 1] == HTTP1Syntax.cr else {
                return (lineFeed + 1, .failed(.invalidChunkSize))
            }
            switch HTTP1RequestParser.chunkSize(UnsafeRawBufferPointer(rebasing: raw[0..<(lineFeed - 1)])) {
            case .success(let size): return (lineFeed + 1, .size(size))
            case .failure: return (lineFeed + 1, .failed(.invalidChunkSize))
            }
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        switch outcome {
        case .incomplete:
            return .needMoreData
        case .failed(let error):
            return .failed(error)
        case .size(0):
            trailers = []
            trailerBytes = 0
            state = .trailerLines
            return .progressed
        case .size(let size):
            state = .chunkData(remaining: size)
            return .progressed
        }
    }

    /// What a chunk-size line scan found.
    private enum ChunkLine {
        case incomplete
        case failed(HTTP1ResponseError)
        case size(Int)
    }

    /// The CRLF that must follow a chunk's data.
    mutating func parseChunkDataEnd(from buffer: inout ByteBuffer) -> LineProgress {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return .needMoreData }
        guard first == HTTP1Syntax.cr else { return .failed(.invalidChunkDelimiter) }
        guard let second = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self) else { return .needMoreData }
        guard second == HTTP1Syntax.lf else { return .failed(.invalidChunkDelimiter) }
        buffer.moveReaderIndex(forwardBy: 2)
        state = .chunkSize
        return .progressed
    }

    /// Trailer lines up to the empty line ending the chunked body (RFC 9112 §7.1.2), with the same
    /// field rules and bounds as the head. Returns `.end` with them (nil when there were none).
    mutating func parseTrailers(from buffer: inout ByteBuffer) -> Event? {
        let (consumed, progress) = buffer.withUnsafeReadableBytes { raw -> (Int, LineProgress) in
            var offset = 0
            while true {
                let budget = max(0, limits.maxHeadSize - trailerBytes)
                guard let lineFeed = findLineFeed(raw, from: offset, window: budget + 2) else {
                    let tooLarge = raw.count - offset >= budget + 2
                    return (offset, tooLarge ? .failed(.headSectionTooLarge) : .needMoreData)
                }
                let lineEnd = lineFeed > offset && raw[lineFeed - 1] == HTTP1Syntax.cr ? lineFeed - 1 : lineFeed
                let line = UnsafeRawBufferPointer(rebasing: raw[offset..<lineEnd])
                trailerBytes += lineFeed + 1 - offset
                offset = lineFeed + 1
                if line.isEmpty { return (offset, .progressed) }
                if let error = addTrailerLine(line) { return (offset, .failed(error)) }
            }
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        switch progress {
        case .needMoreData:
            return nil
        case .failed(let error):
            return fail(error)
        case .progressed:
            let result = trailers.isEmpty ? nil : HTTPHeaders(trailers)
            trailers = []
            finishMessage()
            return .end(result)
        }
    }

    private mutating func addTrailerLine(_ line: UnsafeRawBufferPointer) -> HTTP1ResponseError? {
        guard trailerBytes <= limits.maxHeadSize else { return .headSectionTooLarge }
        switch HTTP1FieldLine.parse(line) {
        case .failure(let failure):
            return Self.error(failure)
        case .success(let field):
            guard trailers.count < limits.maxHeaderCount else { return .tooManyHeaders }
            trailers.append(
                (
                    HTTP1Syntax.string(UnsafeRawBufferPointer(rebasing: line[field.name])),
                    HTTP1Syntax.string(UnsafeRawBufferPointer(rebasing: line[field.value]))
                ))
            return nil
        }
    }
}
