import NIOHTTP1

extension HTTP1RequestParser {
    typealias FieldLine = HTTP1FieldLine

    /// Splits and checks a field line (``HTTP1FieldLine``): obsolete folding, a name that is not a
    /// token directly followed by `:` (a space before the colon is 400, §5.1), CTLs in the value are
    /// 400; bytes ≥ 0x80 only as valid UTF-8 (they must reach the backend unchanged in a `String`).
    static func parseFieldLine(_ line: UnsafeRawBufferPointer) -> Result<FieldLine, HTTP1RequestError> {
        switch HTTP1FieldLine.parse(line) {
        case .failure(.obsoleteLineFolding): return .failure(.obsoleteLineFolding)
        case .failure(.invalidName): return .failure(.invalidHeaderName)
        case .failure(.invalidValue): return .failure(.invalidHeaderValue)
        case .failure(.bareCarriageReturn): return .failure(.bareCarriageReturn)
        case .success(let field):
            if field.hasNonASCII, !HTTP1Syntax.isValidUTF8(UnsafeRawBufferPointer(rebasing: line[field.value])) {
                return .failure(.invalidHeaderValue)
            }
            return .success(field)
        }
    }

    /// Adds one header line to the pending head, noting the fields that decide framing and routing.
    mutating func addHeaderLine(_ line: UnsafeRawBufferPointer) -> HTTP1RequestError? {
        let field: FieldLine
        switch Self.parseFieldLine(line) {
        case .success(let parsed): field = parsed
        case .failure(let error): return error
        }
        pending.fieldCount += 1
        guard pending.fieldCount <= limits.maxHeaderCount else { return .tooManyHeaders }

        let name = UnsafeRawBufferPointer(rebasing: line[field.name])
        let value = UnsafeRawBufferPointer(rebasing: line[field.value])
        switch name.count {
        case 4 where HTTP1Syntax.equalsIgnoringCase(name, "host"):
            // RFC 9112 §3.2: more than one Host, or an invalid one, is 400.
            pending.hostCount += 1
            guard pending.hostCount == 1 else { return .multipleHost }
            guard HTTP1Syntax.isValidAuthority(value, allowEmpty: true, requirePort: false) else {
                return .invalidHost
            }
            pending.hostIndex = pending.fields.count
        case 7 where HTTP1Syntax.equalsIgnoringCase(name, "upgrade"):
            pending.hasUpgrade = true
        case 14 where HTTP1Syntax.equalsIgnoringCase(name, "content-length"):
            if let error = noteContentLength(value) { return error }
            pending.contentLengthIndex = pending.fields.count
        case 17 where HTTP1Syntax.equalsIgnoringCase(name, "transfer-encoding"):
            if let error = noteTransferEncoding(value) { return error }
        default:
            break
        }
        if pending.fields.isEmpty { pending.fields.reserveCapacity(16) }
        pending.fields.append((HTTP1Syntax.string(name), HTTP1Syntax.string(value)))
        return nil
    }

    /// `Content-Length = 1*DIGIT` (RFC 9110 §8.6). A second field, or a list (`5, 5`), is 400 even
    /// when the values agree: Sluice passes nothing two parsers could read differently. Leading
    /// zeros are fine; the value is re-written in canonical form as the proxy re-frames anyway.
    private mutating func noteContentLength(_ value: UnsafeRawBufferPointer) -> HTTP1RequestError? {
        guard pending.contentLength == nil else { return .multipleContentLength }
        switch HTTP1Syntax.contentLength(value) {
        case .list: return .multipleContentLength
        case .invalid: return .invalidContentLength
        case .length(let length): pending.contentLength = length
        }
        pending.contentLengthNeedsRewrite = value.count > 1 && value[0] == UInt8(ascii: "0")
        return nil
    }

    /// Folds one `Transfer-Encoding` field into the codings seen so far (several fields form one
    /// list, RFC 9110 §5.3). Judged once the head is complete.
    private mutating func noteTransferEncoding(_ value: UnsafeRawBufferPointer) -> HTTP1RequestError? {
        var codings = pending.transferCodings ?? .init()
        HTTP1Syntax.forEachListElement(in: value) { coding in
            codings.count += 1
            if HTTP1Syntax.equalsIgnoringCase(coding, "chunked") {
                codings.chunkedCount += 1
                codings.lastIsChunked = true
            } else {
                codings.hasOther = true
                codings.lastIsChunked = false
            }
        }
        pending.transferCodings = codings
        return nil
    }

    /// The head is complete: checks what needs every field (RFC 9112 §3.2 Host, §6.3 framing),
    /// returns it and chooses how the body is read.
    mutating func completeHead() -> Event {
        var head = pending
        pending = PendingRequestHead()
        let isHTTP11 = head.version == .http1_1

        if isHTTP11 && head.hostCount == 0 { return fail(.missingHost) }

        var chunked = false
        if let codings = head.transferCodings {
            guard head.contentLength == nil else { return fail(.contentLengthWithTransferEncoding) }
            // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request means faulty framing.
            guard isHTTP11 else { return fail(.transferEncodingInHTTP10) }
            guard codings.count > 0, codings.chunkedCount <= 1 else { return fail(.invalidTransferEncoding) }
            guard !codings.hasOther, codings.lastIsChunked else { return fail(.unsupportedTransferCoding) }
            chunked = true
        }
        let length = head.contentLength ?? 0
        if head.method == .CONNECT && (chunked || length > 0) { return fail(.bodyNotAllowed) }
        if let maxBody = limits.maxRequestBodySize, length > maxBody { return fail(.bodyTooLarge) }

        if case .absolute(let authority) = head.targetForm {
            if let index = head.hostIndex {
                head.fields[index].1 = authority
            } else {
                head.fields.append(("Host", authority))
            }
        }
        if head.contentLengthNeedsRewrite, let index = head.contentLengthIndex {
            head.fields[index].1 = String(length)
        }

        // Upgrade is ignored in HTTP/1.0 (RFC 9110 §7.8); CONNECT turns into a tunnel on a 2xx.
        pausesAfterMessage = head.method == .CONNECT || (head.hasUpgrade && isHTTP11)
        if chunked || length > 0 {
            body = HTTP1BodyReader(chunked ? .chunked : .length(length))
            state = .body
        } else {
            state = .messageEnd
        }
        let headers = HTTPHeaders(head.fields)
        return .head(HTTPRequestHead(version: head.version, method: head.method, uri: head.uri, headers: headers))
    }
}
