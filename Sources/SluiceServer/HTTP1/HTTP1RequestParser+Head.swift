import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension HTTP1RequestParser {
    /// How far a scan over buffered lines got.
    enum LineProgress {
        case needMoreData
        case progressed
        case failed(HTTP1RequestError)
    }

    /// Reads head lines (empty lines, request line, header lines) up to the empty line that ends
    /// the head, consuming each complete line; then checks the head as a whole and returns it.
    mutating func parseHead(from buffer: inout ByteBuffer) -> Event? {
        let (consumed, progress) = buffer.withUnsafeReadableBytes { self.scanHeadLines($0) }
        buffer.moveReaderIndex(forwardBy: consumed)
        switch progress {
        case .needMoreData: return nil
        case .failed(let error): return fail(error)
        case .progressed: return completeHead()
        }
    }

    /// Consumes complete lines of `raw`; `.progressed` means the head's empty line was reached.
    /// Returns the bytes consumed (lines already parsed) with the outcome.
    private mutating func scanHeadLines(_ raw: UnsafeRawBufferPointer) -> (Int, LineProgress) {
        var offset = 0
        while true {
            let readingRequestLine: Bool
            let budget: Int
            if case .requestLine = state {
                readingRequestLine = true
                budget = limits.maxRequestFieldSize
            } else {
                readingRequestLine = false
                // The request line alone may use the whole limit; then only the empty line fits.
                budget = max(0, limits.maxRequestFieldSize - pending.headBytes)
            }
            // A line may hold `budget` bytes plus its CRLF; the head's final empty line always fits.
            guard let lineFeed = lineFinder.lineFeed(in: raw, from: offset, window: budget + 2) else {
                if raw.count - offset >= budget + 2 {
                    return (offset, .failed(readingRequestLine ? .requestLineTooLong : .headerSectionTooLarge))
                }
                return (offset, .needMoreData)
            }
            let lineEnd = lineFeed > offset && raw[lineFeed - 1] == HTTP1Syntax.cr ? lineFeed - 1 : lineFeed
            let line = UnsafeRawBufferPointer(rebasing: raw[offset..<lineEnd])
            let lineLength = lineFeed + 1 - offset
            offset = lineFeed + 1

            if readingRequestLine {
                if line.isEmpty {
                    // RFC 9112 §2.2: ignore empty lines before a request line, but only a few.
                    emptyLines += 1
                    if emptyLines > limits.maxLeadingEmptyLines { return (offset, .failed(.tooManyEmptyLines)) }
                    continue
                }
                guard line.count <= limits.maxRequestFieldSize else { return (offset, .failed(.requestLineTooLong)) }
                if let error = parseRequestLine(line) { return (offset, .failed(error)) }
                pending.headBytes = lineLength
                state = .headerLines
            } else {
                if line.isEmpty { return (offset, .progressed) }
                pending.headBytes += lineLength
                guard pending.headBytes <= limits.maxRequestFieldSize else {
                    return (offset, .failed(.headerSectionTooLarge))
                }
                if let error = addHeaderLine(line) { return (offset, .failed(error)) }
            }
        }
    }

    /// `method SP request-target SP HTTP-version` (RFC 9112 §3), single spaces exactly.
    private mutating func parseRequestLine(_ line: UnsafeRawBufferPointer) -> HTTP1RequestError? {
        guard let firstSpace = line.firstIndex(of: HTTP1Syntax.space) else { return .invalidRequestLine }
        let methodBytes = UnsafeRawBufferPointer(rebasing: line[0..<firstSpace])
        guard !methodBytes.isEmpty else { return .invalidRequestLine }
        for byte in methodBytes where !HTTP1Syntax.isTokenByte(byte) { return .invalidMethod }

        guard let lastSpace = line.lastIndex(of: HTTP1Syntax.space), lastSpace > firstSpace else {
            // `GET /path` with no version: HTTP/0.9, which has no headers and no status line to answer with.
            return .http09Request
        }
        let targetBytes = UnsafeRawBufferPointer(rebasing: line[(firstSpace + 1)..<lastSpace])
        let versionBytes = UnsafeRawBufferPointer(rebasing: line[(lastSpace + 1)...])

        // The version before the target, so `PRI * HTTP/2.0` (the h2 preface) is a clean 505.
        switch parseVersion(versionBytes) {
        case .success(let version): pending.version = version
        case .failure(let error): return error
        }
        pending.method = Self.method(methodBytes)
        return parseTarget(targetBytes)
    }

    /// `HTTP/1.0` and `HTTP/1.1` are served; any other well-formed version is 505 (as lighttpd),
    /// anything else 400. The name is case-sensitive (RFC 9112 §2.3).
    private func parseVersion(_ bytes: UnsafeRawBufferPointer) -> Result<HTTPVersion, HTTP1RequestError> {
        guard bytes.count == 8, Self.hasPrefix(bytes, "HTTP/"), HTTP1Syntax.isDigit(bytes[5]),
            bytes[6] == UInt8(ascii: "."), HTTP1Syntax.isDigit(bytes[7])
        else { return .failure(.invalidVersion) }
        let major = Int(bytes[5] &- 0x30)
        let minor = Int(bytes[7] &- 0x30)
        guard major == 1, minor <= 1 else { return .failure(.unsupportedVersion) }
        return .success(minor == 1 ? .http1_1 : .http1_0)
    }

    /// The method, with the common ones matched on bytes to skip building a `String`.
    static func method(_ bytes: UnsafeRawBufferPointer) -> HTTPMethod {
        switch bytes.count {
        case 3:
            if hasPrefix(bytes, "GET") { return .GET }
            if hasPrefix(bytes, "PUT") { return .PUT }
        case 4:
            if hasPrefix(bytes, "POST") { return .POST }
            if hasPrefix(bytes, "HEAD") { return .HEAD }
        case 5:
            if hasPrefix(bytes, "PATCH") { return .PATCH }
        case 6:
            if hasPrefix(bytes, "DELETE") { return .DELETE }
        case 7:
            if hasPrefix(bytes, "OPTIONS") { return .OPTIONS }
            if hasPrefix(bytes, "CONNECT") { return .CONNECT }
        default:
            break
        }
        return HTTPMethod(rawValue: HTTP1Syntax.string(bytes))
    }

    /// Case-sensitive prefix test against ASCII text.
    @inline(__always)
    static func hasPrefix(_ bytes: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let expected = prefix.utf8Start
        for index in 0..<count where bytes[index] != expected[index] { return false }
        return true
    }
}
