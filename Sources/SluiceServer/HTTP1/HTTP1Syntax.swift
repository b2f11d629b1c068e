import LighttpdConfig

/// Byte classes of the HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112, RFC 3986 §3.2), as bit tests
/// rather than tables so the hot loops need no lazily initialised global.
enum HTTP1Syntax {
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let colon: UInt8 = 0x3A

    /// `tchar` (RFC 9110 §5.6.2): ALPHA, DIGIT and ``!#$%&'*+-.^_`|~``.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        HTTPToken.isTokenByte(byte)
    }

    /// Bytes of a `reg-name` (RFC 3986 §3.2.2): unreserved, sub-delims and `%`.
    @inline(__always)
    static func isRegNameByte(_ byte: UInt8) -> Bool {
        if byte < 64 { return (0x2bff_7ff2_0000_0000 as UInt64) >> byte & 1 == 1 }
        if byte < 128 { return (0x47ff_fffe_87ff_fffe as UInt64) >> (byte &- 64) & 1 == 1 }
        return false
    }

    /// Whitespace allowed around a field value (`OWS`, RFC 9110 §5.6.3).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// Calls `body` with each non-empty element of a comma-separated field value (`#element`, RFC 9110 §5.6.1),
    /// without the whitespace around it.
    @inline(__always)
    static func forEachListElement(in value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count, value[end] != UInt8(ascii: ",") { end += 1 }
            var first = start
            var last = end
            while first < last, isWhitespace(value[first]) { first += 1 }
            while last > first, isWhitespace(value[last - 1]) { last -= 1 }
            if first < last { body(UnsafeRawBufferPointer(rebasing: value[first..<last])) }
            start = end + 1
        }
    }

    /// The value of a hex digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte &- 0x30)
        case 0x41...0x46: return Int(byte &- 0x41 &+ 10)
        case 0x61...0x66: return Int(byte &- 0x61 &+ 10)
        default: return nil
        }
    }

    /// True when `bytes` equals `lowercased` ignoring ASCII case; `lowercased` must be lower-case ASCII.
    @inline(__always)
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercased: StaticString) -> Bool {
        guard bytes.count == lowercased.utf8CodeUnitCount else { return false }
        let expected = lowercased.utf8Start
        for index in 0..<bytes.count {
            let byte = bytes[index]
            let want = expected[index]
            // Only letters fold: a blanket `| 0x20` would also let CTLs pass for `:`, `/` or `-`.
            guard byte == want || (want &- 0x61 < 26 && byte == want &- 0x20) else { return false }
        }
        return true
    }

    /// Whether a byte sequence that holds bytes ≥ 0x80 is well-formed UTF-8, so a `String` made from
    /// it carries the very same bytes (a lossy decode would silently change what is passed on).
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    /// A `String` of the given bytes, which the caller has checked to be valid UTF-8.
    @inline(__always)
    static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `bytes` is `host [ ":" port ]` (RFC 3986 §3.2.2-3, as used by `Host` and the
    /// authority of a request-target): an IP-literal in brackets or a reg-name (which covers IPv4),
    /// then an optional port of digits. `allowEmpty` admits the empty `Host` RFC 9112 §3.2 allows;
    /// `requirePort` is for CONNECT's authority-form (RFC 9110 §9.3.6).
    static func isValidAuthority(_ bytes: UnsafeRawBufferPointer, allowEmpty: Bool, requirePort: Bool) -> Bool {
        if bytes.isEmpty { return allowEmpty && !requirePort }
        var index = 0
        if bytes[0] == UInt8(ascii: "[") {
            index = 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
                let byte = bytes[index]
                guard isRegNameByte(byte) || byte == colon, byte != UInt8(ascii: "%") else { return false }
                index += 1
            }
            guard index < bytes.count, index > 1 else { return false }
            index += 1  // past "]"
        } else {
            while index < bytes.count, bytes[index] != colon {
                guard isRegNameByte(bytes[index]) else { return false }
                index += 1
            }
            guard index > 0 else { return false }
        }
        if index == bytes.count { return !requirePort }
        guard bytes[index] == colon else { return false }
        index += 1
        if requirePort && index == bytes.count { return false }
        while index < bytes.count {
            guard isDigit(bytes[index]) else { return false }
            index += 1
        }
        return true
    }

    /// A `Content-Length` value (RFC 9110 §8.6: `1*DIGIT`), for both parsers: a list (`5, 5`) is told apart
    /// from other garbage, since both refuse it as a second length.
    enum ContentLength: Equatable {
        case length(Int)
        case list
        case invalid
    }

    static func contentLength(_ value: UnsafeRawBufferPointer) -> ContentLength {
        guard !value.isEmpty else { return .invalid }
        var length = 0
        for byte in value {
            guard isDigit(byte) else { return byte == UInt8(ascii: ",") ? .list : .invalid }
            let (times10, overflow1) = length.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte &- 0x30))
            guard !overflow1, !overflow2 else { return .invalid }
            length = sum
        }
        return .length(length)
    }
}
