/// One `field-name ":" OWS field-value OWS` line (RFC 9112 §5), as ranges into the line: the split
/// and byte checks the request and the response parser share. Each maps a ``Failure`` to its own
/// error (a 400 for a client, a 502 for a backend).
struct HTTP1FieldLine {
    var name: Range<Int>
    var value: Range<Int>
    /// The value holds bytes ≥ 0x80 (obs-text, or UTF-8): the caller decides whether they must be
    /// valid UTF-8.
    var hasNonASCII: Bool

    enum Failure: Error {
        /// The line starts with SP/HTAB: obsolete folding (RFC 9112 §5.2).
        case obsoleteLineFolding
        /// The name is empty, not a token, or not directly followed by `:` (§5.1).
        case invalidName
        /// A NUL or other CTL but HTAB in the value (RFC 9110 §5.5).
        case invalidValue
        /// A CR inside the line (not ending it).
        case bareCarriageReturn
    }

    /// Splits and checks a non-empty field line (without its line end); surrounding OWS is trimmed.
    static func parse(_ line: UnsafeRawBufferPointer) -> Result<HTTP1FieldLine, Failure> {
        if HTTP1Syntax.isWhitespace(line[0]) { return .failure(.obsoleteLineFolding) }
        var index = 0
        while index < line.count, HTTP1Syntax.isTokenByte(line[index]) { index += 1 }
        guard index > 0, index < line.count, line[index] == HTTP1Syntax.colon else {
            return .failure(.invalidName)
        }
        let nameEnd = index
        index += 1
        while index < line.count, HTTP1Syntax.isWhitespace(line[index]) { index += 1 }
        let valueStart = index
        var valueEnd = index
        var sawNonASCII = false
        while index < line.count {
            let byte = line[index]
            index += 1
            if byte > HTTP1Syntax.space && byte < 0x7F {
                valueEnd = index
            } else if byte >= 0x80 {
                sawNonASCII = true
                valueEnd = index
            } else if byte == HTTP1Syntax.space || byte == HTTP1Syntax.tab {
                continue
            } else if byte == HTTP1Syntax.cr {
                return .failure(.bareCarriageReturn)
            } else {
                return .failure(.invalidValue)
            }
        }
        return .success(HTTP1FieldLine(name: 0..<nameEnd, value: valueStart..<valueEnd, hasNonASCII: sawNonASCII))
    }
}
