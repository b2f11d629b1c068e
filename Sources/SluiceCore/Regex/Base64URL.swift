/// base64url (RFC 4648 §5) for the `${encb64u:n}` / `${decb64u:n}` substitutions, appending straight into the
/// output buffer.
enum Base64URL {
    /// Encodes without `=` padding, as lighttpd's `buffer_append_base64_encode_no_padding(…, BASE64_URL)`.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var index = 0
        while index + 3 <= input.count {
            let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(symbol(group >> 18))
            output.append(symbol(group >> 12))
            output.append(symbol(group >> 6))
            output.append(symbol(group))
            index += 3
        }
        switch input.count - index {
        case 1:
            let group = UInt32(input[index]) << 16
            output.append(symbol(group >> 18))
            output.append(symbol(group >> 12))
        case 2:
            let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            output.append(symbol(group >> 18))
            output.append(symbol(group >> 12))
            output.append(symbol(group >> 6))
        default:
            break
        }
    }

    /// Decodes the way lighttpd's `li_base64_dec(…, BASE64_URL)` does, so a config behaves the same:
    /// spaces and control bytes (0x01-0x20) are skipped; decoding stops at the first other byte outside the
    /// alphabet (`=` padding included) and keeps what was decoded so far; a NUL byte, or a lone trailing
    /// symbol (6 bits cannot make a byte), makes the whole value decode to nothing.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        let start = output.count
        var accumulator: UInt32 = 0
        var symbols = 0
        for byte in input {
            guard let value = symbolValue(byte) else {
                if byte >= 0x01 && byte <= 0x20 { continue }
                if byte == 0 {
                    output.removeSubrange(start...)
                    return
                }
                break
            }
            accumulator = accumulator << 6 | UInt32(value)
            symbols += 1
            if symbols & 3 == 0 {
                output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                output.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator = 0
            }
        }
        switch symbols & 3 {
        case 2:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        case 1:
            output.removeSubrange(start...)
        default:
            break
        }
    }

    @inline(__always)
    private static func symbol(_ sextet: UInt32) -> UInt8 {
        let value = UInt8(truncatingIfNeeded: sextet & 0x3F)
        switch value {
        case 0..<26: return UInt8(ascii: "A") + value
        case 26..<52: return UInt8(ascii: "a") + value - 26
        case 52..<62: return UInt8(ascii: "0") + value - 52
        case 62: return UInt8(ascii: "-")
        default: return UInt8(ascii: "_")
        }
    }

    @inline(__always)
    private static func symbolValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): return 62
        case UInt8(ascii: "_"): return 63
        default: return nil
        }
    }
}
