import NIOCore
import NIOHTTP1

extension HTTP1RequestParser {
    /// `chunk-size [ chunk-ext ] CRLF` (RFC 9112 §7.1). The size is hex (too many digits to fit is
    /// 400); extensions are skipped but must be `;`-introduced and free of CTLs; the line must end
    /// in CRLF (a bare LF in chunk framing is a classic smuggling vector, so it is refused here while
    /// head lines tolerate it). A zero size starts the trailer section.
    mutating func parseChunkSizeLine(from buffer: inout ByteBuffer) -> LineProgress {
        let (consumed, outcome) = buffer.withUnsafeReadableBytes { raw -> (Int, Result<Int, HTTP1RequestError>?) in
            guard let lineFeed = findLineFeed(raw, from: 0, window: limits.maxChunkLineLength + 2) else {
                return (0, raw.count >= limits.maxChunkLineLength + 2 ? .failure(.chunkLineTooLong) : nil)
            }
            guard lineFeed > 0, raw[lineFeed - 1] == HTTP1Syntax.cr else {
                return (lineFeed + 1, .failure(.invalidChunkSize))
            }
            return (lineFeed + 1, Self.chunkSize(UnsafeRawBufferPointer(rebasing: raw[0..<(lineFeed - 1)])))
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        switch outcome {
        case nil:
            return .needMoreData
        case .failure(let error):
            return .failed(error)
        case .success(0):
            trailers = []
            trailerBytes = 0
            state = .trailerLines
            return .progressed
        case .success(let size):
            let (total, overflow) = chunkedBodyBytes.addingReportingOverflow(size)
            if overflow { return .failed(.bodyTooLarge) }
            if let maxBody = limits.maxRequestBodySize, total > maxBody { return .failed(.bodyTooLarge) }
            chunkedBodyBytes = total
            state = .chunkData(remaining: size)
            return .progressed
        }
    }

    /// The size on a chunk-size line (without its CRLF), extensions checked and ignored.
    static func chunkSize(_ line: UnsafeRawBufferPointer) -> Result<Int, HTTP1RequestError> {
        var size = 0
        var index = 0
        while index < line.count, let digit = HTTP1Syntax.hexValue(line[index]) {
            guard size <= (Int.max - digit) >> 4 else { return .failure(.invalidChunkSize) }
            size = size << 4 | digit
            index += 1
        }
        guard index > 0 else { return .failure(.invalidChunkSize) }
        // BWS ";" chunk-ext: whitespace is allowed only before a ";".
        while index < line.count, HTTP1Syntax.isWhitespace(line[index]) { index += 1 }
        if index < line.count {
            guard line[index] == UInt8(ascii: ";") else { return .failure(.invalidChunkSize) }
            for byte in line[index...] where byte < HTTP1Syntax.space && byte != HTTP1Syntax.tab || byte == 0x7F {
                return .failure(.invalidChunkSize)
            }
        } else if index > 0, HTTP1Syntax.isWhitespace(line[index - 1]) {
            return .failure(.invalidChunkSize)
        }
        return .success(size)
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
                let budget = limits.maxRequestFieldSize - trailerBytes
                guard let lineFeed = findLineFeed(raw, from: offset, window: budget + 2) else {
                    let tooLarge = raw.count - offset >= budget + 2
                    return (offset, tooLarge ? .failed(.headerSectionTooLarge) : .needMoreData)
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

    private mutating func addTrailerLine(_ line: UnsafeRawBufferPointer) -> HTTP1RequestError? {
        guard trailerBytes <= limits.maxRequestFieldSize else { return .headerSectionTooLarge }
        switch Self.parseFieldLine(line) {
        case .failure(let error):
            return error
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
