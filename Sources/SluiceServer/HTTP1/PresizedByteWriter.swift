import NIOCore
import NIOHTTP1

/// Appends to memory sized beforehand: an HTTP head (the client's response, the backend's request) encoded
/// in one pass, each string one memory copy, with no growth checks per piece (the caller computed the size).
/// Nothing is ever written past the memory: a miscounted size would cut the head short (a malformed answer,
/// which the encoders' debug assertions catch in the tests), never overwrite what follows it.
struct PresizedByteWriter {
    let base: UnsafeMutableRawBufferPointer
    private(set) var offset = 0

    init(_ base: UnsafeMutableRawBufferPointer) {
        self.base = base
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        guard offset < base.count else { return }
        base[offset] = byte
        offset += 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let count = min(bytes.count, base.count - offset)
        guard let source = bytes.baseAddress, let target = base.baseAddress, count > 0 else { return }
        (target + offset).copyMemory(from: source, byteCount: count)
        offset += count
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func append(_ string: String) {
        let copied: Void? = string.utf8.withContiguousStorageIfAvailable { append(UnsafeRawBufferPointer($0)) }
        if copied == nil {
            for byte in string.utf8 { append(byte) }
        }
    }

    /// `HTTP/x.y code reason` CRLF (RFC 9112 §4), `statusLineSize` bytes.
    mutating func appendStatusLine(_ version: HTTPVersion, _ status: HTTPResponseStatus, reason: String) {
        if version.major == 1 && version.minor <= 1 {
            append("HTTP/1.")
            append(version.minor == 0 ? 0x30 : 0x31)
        } else {
            append("HTTP/")
            appendDecimal(version.major)
            append(0x2E)
            appendDecimal(version.minor)
        }
        append(0x20)
        appendDecimal(Int(status.code))
        append(0x20)
        append(reason)
        append("\r\n")
    }

    static func statusLineSize(_ version: HTTPVersion, _ status: HTTPResponseStatus, reason: String) -> Int {
        let versionSize =
            version.major == 1 && version.minor <= 1 ? 8 : 6 + decimalDigits(version.major) + decimalDigits(version.minor)
        return versionSize + 1 + decimalDigits(Int(status.code)) + 1 + reason.utf8.count + 2
    }

    /// A field line: `name: value` CRLF.
    mutating func appendField(_ name: String, _ value: String) {
        append(name)
        append(": ")
        append(value)
        append("\r\n")
    }

    /// `value` (not negative) in decimal: `decimalDigits(value)` bytes.
    mutating func appendDecimal(_ value: Int) {
        let digits = Self.decimalDigits(value)
        guard offset + digits <= base.count else { return }
        var rest = value
        for index in stride(from: digits - 1, through: 0, by: -1) {
            base[offset + index] = UInt8(0x30 + rest % 10)
            rest /= 10
        }
        offset += digits
    }

    static func decimalDigits(_ value: Int) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return digits
    }

    /// The line before a chunk of `count` bytes (RFC 9112 §7.1): lower-case hex, then CRLF.
    static func chunkSizeLine(_ count: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        var line = allocator.buffer(capacity: 18)
        line.writeWithUnsafeMutableBytes(minimumWritableBytes: 18) { raw in
            var digits = 1
            while count >> (4 * digits) != 0 { digits += 1 }
            var out = PresizedByteWriter(raw)
            for index in 0..<digits {
                let nibble = (count >> (4 * (digits - 1 - index))) & 0xF
                out.append(UInt8(nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10))
            }
            out.append("\r\n")
            return out.offset
        }
        return line
    }
}
