import NIOCore

extension ByteBuffer {
    /// Writes `bytes` (valid UTF-8) as a JSON string literal, quotes included (RFC 8259 §7): `"` and `\`
    /// escaped, control characters as `\n`, `\r`, `\t` or `\u00XX`; everything else, non-ASCII too,
    /// passes through as UTF-8.
    mutating func writeJSONString<Bytes: Sequence>(utf8 bytes: Bytes) where Bytes.Element == UInt8 {
        self.writeInteger(UInt8(ascii: "\""))
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                self.writeInteger(UInt8(ascii: "\\"))
                self.writeInteger(byte)
            case UInt8(ascii: "\n"):
                self.writeStaticString("\\n")
            case UInt8(ascii: "\r"):
                self.writeStaticString("\\r")
            case UInt8(ascii: "\t"):
                self.writeStaticString("\\t")
            case 0..<0x20:
                self.writeStaticString("\\u00")
                self.writeInteger(Self.hexDigit(byte >> 4))
                self.writeInteger(Self.hexDigit(byte & 0x0F))
            default:
                self.writeInteger(byte)
            }
        }
        self.writeInteger(UInt8(ascii: "\""))
    }

    /// Writes a Swift string as a JSON string literal.
    mutating func writeJSONString(_ string: String) {
        self.writeJSONString(utf8: string.utf8)
    }

    /// Writes `bytes` as standard base64 with padding (RFC 4648 §4), quotes not included.
    mutating func writeBase64<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        var index = bytes.startIndex
        var remaining = bytes.count
        while remaining > 0 {
            let first = bytes[index]
            index = bytes.index(after: index)
            let second: UInt8 = remaining > 1 ? bytes[index] : 0
            if remaining > 1 { index = bytes.index(after: index) }
            let third: UInt8 = remaining > 2 ? bytes[index] : 0
            if remaining > 2 { index = bytes.index(after: index) }
            self.writeInteger(Self.base64Digit(first >> 2))
            self.writeInteger(Self.base64Digit((first & 0x03) << 4 | second >> 4))
            self.writeInteger(remaining > 1 ? Self.base64Digit((second & 0x0F) << 2 | third >> 6) : UInt8(ascii: "="))
            self.writeInteger(remaining > 2 ? Self.base64Digit(third & 0x3F) : UInt8(ascii: "="))
            remaining -= min(remaining, 3)
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    private static func base64Digit(_ value: UInt8) -> UInt8 {
        switch value {
        case 0..<26: UInt8(ascii: "A") + value
        case 26..<52: UInt8(ascii: "a") + value - 26
        case 52..<62: UInt8(ascii: "0") + value - 52
        case 62: UInt8(ascii: "+")
        default: UInt8(ascii: "/")
        }
    }
}
