import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds line ends in buffered bytes, remembering how far an incomplete line was already searched, so a
/// head trickled in byte by byte is not searched again from its start. Shared by the request and response
/// parsers (their heads, chunk-size lines and trailers).
struct HTTP1LineFinder {
    private var scanned = 0

    /// The index of the LF ending the line that starts at `start`, searching at most `window` bytes.
    mutating func lineFeed(in raw: UnsafeRawBufferPointer, from start: Int, window: Int) -> Int? {
        let end = min(raw.count, start + window)
        let from = start + scanned
        if from < end, let base = raw.baseAddress, let found = memchr(base + from, Int32(HTTP1Syntax.lf), end - from) {
            scanned = 0
            return base.distance(to: UnsafeRawPointer(found))
        }
        scanned = max(0, end - start)
        return nil
    }
}

/// `Transfer-Encoding: chunked` framing (RFC 9112 §7.1), the same for requests and responses: each parser
/// keeps its state machine and its error type, and maps the outcomes here onto them.
enum HTTP1ChunkedFraming {
    enum SizeLine: Equatable {
        case needMoreData
        case tooLong
        case invalid
        case size(Int)
    }

    /// `chunk-size [ chunk-ext ] CRLF`, consumed when complete. The line must end in CRLF: a bare LF in chunk
    /// framing is a classic smuggling vector, so it is refused here while head lines tolerate it.
    static func sizeLine(from buffer: inout ByteBuffer, finder: inout HTTP1LineFinder, maxLength: Int) -> SizeLine {
        let (consumed, outcome) = buffer.withUnsafeReadableBytes { raw -> (Int, SizeLine) in
            guard let lineFeed = finder.lineFeed(in: raw, from: 0, window: maxLength + 2) else {
                return (0, raw.count >= maxLength + 2 ? .tooLong : .needMoreData)
            }
            guard lineFeed > 0, raw[lineFeed - 1] == HTTP1Syntax.cr else { return (lineFeed + 1, .invalid) }
            return (lineFeed + 1, chunkSize(UnsafeRawBufferPointer(rebasing: raw[0..<(lineFeed - 1)])).map(SizeLine.size) ?? .invalid)
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        return outcome
    }

    /// The size on a chunk-size line (without its CRLF): hex, too many digits to fit is nil; extensions are
    /// skipped but must be `;`-introduced and free of CTLs.
    static func chunkSize(_ line: UnsafeRawBufferPointer) -> Int? {
        var size = 0
        var index = 0
        while index < line.count, let digit = HTTP1Syntax.hexValue(line[index]) {
            guard size <= (Int.max - digit) >> 4 else { return nil }
            size = size << 4 | digit
            index += 1
        }
        guard index > 0 else { return nil }
        // BWS ";" chunk-ext: whitespace is allowed only before a ";".
        while index < line.count, HTTP1Syntax.isWhitespace(line[index]) { index += 1 }
        if index < line.count {
            guard line[index] == UInt8(ascii: ";") else { return nil }
            for byte in line[index...] where byte < HTTP1Syntax.space && byte != HTTP1Syntax.tab || byte == 0x7F {
                return nil
            }
        } else if index > 0, HTTP1Syntax.isWhitespace(line[index - 1]) {
            return nil
        }
        return size
    }

    enum DataEnd: Equatable {
        case needMoreData
        case invalid
        case done
    }

    /// The CRLF that must follow a chunk's data, consumed when present.
    static func dataEnd(from buffer: inout ByteBuffer) -> DataEnd {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return .needMoreData }
        guard first == HTTP1Syntax.cr else { return .invalid }
        guard let second = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self) else { return .needMoreData }
        guard second == HTTP1Syntax.lf else { return .invalid }
        buffer.moveReaderIndex(forwardBy: 2)
        return .done
    }
}

/// The trailer section after the last chunk (RFC 9112 §7.1.2): lines up to the empty one, within the same
/// byte budget as a head; each line is handed to the parser's own field rules.
struct HTTP1TrailerSection {
    private(set) var bytes = 0
    var fields: [(String, String)] = []

    enum Outcome<Failure> {
        case needMoreData
        case tooLarge
        case failed(Failure)
        /// The empty line: the fields read, nil when there were none.
        case complete(HTTPHeaders?)
    }

    /// Consumes complete lines; `addLine` checks and keeps one field line (nil when it was accepted).
    mutating func read<Failure>(
        from buffer: inout ByteBuffer, finder: inout HTTP1LineFinder, maxBytes: Int,
        addLine: (UnsafeRawBufferPointer, inout HTTP1TrailerSection) -> Failure?
    ) -> Outcome<Failure> {
        let (consumed, outcome) = buffer.withUnsafeReadableBytes { raw -> (Int, Outcome<Failure>) in
            var offset = 0
            while true {
                let budget = max(0, maxBytes - bytes)
                guard let lineFeed = finder.lineFeed(in: raw, from: offset, window: budget + 2) else {
                    return (offset, raw.count - offset >= budget + 2 ? .tooLarge : .needMoreData)
                }
                let lineEnd = lineFeed > offset && raw[lineFeed - 1] == HTTP1Syntax.cr ? lineFeed - 1 : lineFeed
                let line = UnsafeRawBufferPointer(rebasing: raw[offset..<lineEnd])
                bytes += lineFeed + 1 - offset
                offset = lineFeed + 1
                if line.isEmpty { return (offset, .complete(fields.isEmpty ? nil : HTTPHeaders(fields))) }
                guard bytes <= maxBytes else { return (offset, .tooLarge) }
                if let failure = addLine(line, &self) { return (offset, .failed(failure)) }
            }
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        if case .complete = outcome { self = HTTP1TrailerSection() }
        return outcome
    }

    /// Keeps a parsed field line.
    mutating func append(_ line: UnsafeRawBufferPointer, _ field: HTTP1FieldLine) {
        fields.append(
            (
                HTTP1Syntax.string(UnsafeRawBufferPointer(rebasing: line[field.name])),
                HTTP1Syntax.string(UnsafeRawBufferPointer(rebasing: line[field.value]))
            ))
    }
}
