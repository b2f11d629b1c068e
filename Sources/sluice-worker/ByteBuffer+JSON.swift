import NIOCore

extension ByteBuffer {
    /// Writes `bytes` (valid UTF-8) as a JSON string literal, quotes included (RFC 8259 §7): `"` and `\`
    /// escaped, control characters as `\n`, `\r`, `\t` or `\u00XX`; everything else, non-ASCII too,
    /// passes through as UTF-8. Runs of bytes that need no escape are copied in one go.
    mutating func writeJSONString(utf8 bytes: UnsafeRawBufferPointer) {
        self.writeInteger(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            self.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            runStart = index + 1
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
            default:
                self.writeStaticString("\\u00")
                self.writeInteger(Self.hexDigit(byte >> 4))
                self.writeInteger(Self.hexDigit(byte & 0x0F))
            }
        }
        self.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart...]))
        self.writeInteger(UInt8(ascii: "\""))
    }

    /// Writes a Swift string as a JSON string literal.
    mutating func writeJSONString(_ string: String) {
        var string = string
        string.withUTF8 { self.writeJSONString(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Writes `bytes` as standard base64 with padding (RFC 4648 §4), quotes not included.
    mutating func writeBase64(_ bytes: UnsafeRawBufferPointer) {
        let outputCount = (bytes.count + 2) / 3 * 4
        self.writeWithUnsafeMutableBytes(minimumWritableBytes: outputCount) { output in
            var input = 0
            var written = 0
            while input < bytes.count {
                let remaining = bytes.count - input
                let first = bytes[input]
                let second: UInt8 = remaining > 1 ? bytes[input + 1] : 0
                let third: UInt8 = remaining > 2 ? bytes[input + 2] : 0
                output[written] = Self.base64Digit(first >> 2)
                output[written + 1] = Self.base64Digit((first & 0x03) << 4 | second >> 4)
                output[written + 2] = remaining > 1 ? Self.base64Digit((second & 0x0F) << 2 | third >> 6) : UInt8(ascii: "=")
                output[written + 3] = remaining > 2 ? Self.base64Digit(third & 0x3F) : UInt8(ascii: "=")
                input += 3
                written += 4
            }
            return written
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
