/// Base64 with the standard alphabet and `=` padding (RFC 4648 §4), as RFC 7617 credentials and
/// htpasswd `{SHA}` entries use.
///
/// Decoding is strict: only canonical encodings are accepted (length a multiple of 4, padding only at
/// the end, unused bits zero, no whitespace), so every credential has exactly one spelling.
public enum Base64 {
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let remaining = input.count - index
            let b0 = UInt32(input[index])
            let b1 = remaining > 1 ? UInt32(input[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(input[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(remaining > 1 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[Int(group & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The decoded bytes, or nil unless `encoded` is canonical base64.
    public static func decode(_ encoded: some Collection<UInt8>) -> [UInt8]? {
        encoded.withContiguousBytes { decode(raw: $0) }
    }

    private static func decode(raw input: UnsafeRawBufferPointer) -> [UInt8]? {
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var offset = 0
        while offset < input.count {
            let isLastGroup = offset + 4 == input.count
            let padding = isLastGroup ? paddingCount(input[offset + 2], input[offset + 3]) : 0
            guard padding >= 0 else { return nil }
            var group: UInt32 = 0
            for position in 0..<(4 - padding) {
                guard let value = sextet(input[offset + position]) else { return nil }
                group = group << 6 | value
            }
            group <<= 6 * UInt32(padding)
            let produced = 3 - padding
            // Bits below the last produced byte must be zero: "QQ==" is "A", "QR==" is not canonical.
            guard group & ((1 << (8 * UInt32(3 - produced))) - 1) == 0 else { return nil }
            for index in 0..<produced {
                output.append(UInt8(truncatingIfNeeded: group >> (16 - 8 * UInt32(index))))
            }
            offset += 4
        }
        return output
    }

    /// 0, 1 or 2 for a well-formed end of input; -1 for `x=` followed by a non-`=`.
    private static func paddingCount(_ third: UInt8, _ fourth: UInt8) -> Int {
        let equals = UInt8(ascii: "=")
        switch (third == equals, fourth == equals) {
        case (false, false): return 0
        case (false, true): return 1
        case (true, true): return 2
        case (true, false): return -1
        }
    }

    private static func sextet(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
