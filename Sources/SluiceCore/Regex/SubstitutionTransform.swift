/// How a substituted value is copied into a rewrite result: an encoding, then an optional ASCII case change.
///
/// This is lighttpd's `burl_append` (src/burl.c) as driven by the `${modifier:…}` prefixes of keyvalue.c.
/// "Unreserved" is RFC 3986 §2.3: `A-Z a-z 0-9 - . _ ~`.
struct SubstitutionTransform: Sendable, Hashable {
    enum Encoding: Sendable, Hashable {
        /// Copied as is (`$n`, `${noesc:n}`, and URL parts without a modifier).
        case raw
        /// `${esc:n}` / `${escape:n}`: %-encode every byte that is not unreserved, including `%` itself.
        case all
        /// `${escnde:n}`: like `all`, but a valid `%XX` already present is not encoded again.
        case noDoubleEncoding
        /// `${escpsnde:n}` and plain `${n}`: like `noDoubleEncoding`, but `/` is kept ("path segment").
        case pathSegmentsNoDoubleEncoding
        /// `${encb64u:n}`: base64url without padding (RFC 4648 §5).
        case base64URLEncode
        /// `${decb64u:n}`: base64url decoded, as lighttpd's `li_base64_dec` would.
        case base64URLDecode
    }

    enum CaseChange: Sendable, Hashable {
        case lower
        case upper
    }

    var encoding: Encoding
    var caseChange: CaseChange?

    static let raw = SubstitutionTransform(encoding: .raw, caseChange: nil)
    static let pathSegmentsNoDoubleEncoding = SubstitutionTransform(
        encoding: .pathSegmentsNoDoubleEncoding, caseChange: nil)

    /// Appends `value` to `output`, transformed.
    func append(_ value: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        guard !value.isEmpty else { return }
        let start = output.count
        switch encoding {
        case .raw:
            output.append(contentsOf: value)
        case .all:
            Self.percentEncode(value, keepSlash: false, keepEncoded: false, into: &output)
        case .noDoubleEncoding:
            Self.percentEncode(value, keepSlash: false, keepEncoded: true, into: &output)
        case .pathSegmentsNoDoubleEncoding:
            Self.percentEncode(value, keepSlash: true, keepEncoded: true, into: &output)
        case .base64URLEncode:
            Base64URL.encode(value, into: &output)
        case .base64URLDecode:
            Base64URL.decode(value, into: &output)
        }
        if let caseChange {
            Self.changeCase(of: &output, from: start, to: caseChange)
        }
    }

    /// %-encodes every byte that is not unreserved (and not `/` when `keepSlash`). With `keepEncoded`, a valid
    /// `%XX` is not encoded again: it is decoded when it stands for an unreserved byte and otherwise kept with
    /// its hex digits as written (burl.c `burl_append_encode_nde` / `_psnde`). Unlike lighttpd, which may read
    /// the two bytes after a capture's end, a `%` is only taken as an escape when both digits lie in `value`.
    private static func percentEncode(
        _ value: UnsafeBufferPointer<UInt8>, keepSlash: Bool, keepEncoded: Bool, into output: inout [UInt8]
    ) {
        // Bytes that stay as they are (most of a URL) are copied in runs rather than one append each.
        var runStart = 0
        var index = 0
        while index < value.count {
            let byte = value[index]
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                index += 1
                continue
            }
            if keepEncoded, byte == UInt8(ascii: "%"), index + 2 < value.count,
                let high = hexValue(value[index + 1]), let low = hexValue(value[index + 2])
            {
                let decoded = high << 4 | low
                if isUnreserved(decoded) {
                    appendRun(value, runStart..<index, to: &output)
                    output.append(decoded)
                    runStart = index + 3
                }
                // Otherwise the escape stays exactly as written, part of the run.
                index += 3
                continue
            }
            appendRun(value, runStart..<index, to: &output)
            output.append(UInt8(ascii: "%"))
            output.append(upperHexDigit(byte >> 4))
            output.append(upperHexDigit(byte & 0x0F))
            index += 1
            runStart = index
        }
        appendRun(value, runStart..<index, to: &output)
    }

    @inline(__always)
    private static func appendRun(_ value: UnsafeBufferPointer<UInt8>, _ run: Range<Int>, to output: inout [UInt8]) {
        if !run.isEmpty {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: value[run]))
        }
    }

    /// ASCII case change of `output[start...]`, leaving the hex digits of `%XX` escapes alone (burl.c
    /// `burl_offset_tolower` / `_toupper`).
    private static func changeCase(of output: inout [UInt8], from start: Int, to caseChange: CaseChange) {
        var index = start
        while index < output.count {
            let byte = output[index]
            if byte == UInt8(ascii: "%"), index + 2 < output.count,
                hexValue(output[index + 1]) != nil, hexValue(output[index + 2]) != nil
            {
                index += 3
                continue
            }
            switch caseChange {
            case .lower where byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"):
                output[index] = byte | 0x20
            case .upper where byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"):
                output[index] = byte & 0xDF
            default:
                break
            }
            index += 1
        }
    }

    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    @inline(__always)
    private static func upperHexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }
}
