/// An entity tag (RFC 9110 §8.8.3): `"opaque"` or weak `W/"opaque"`.
public struct EntityTag: Sendable, Hashable, CustomStringConvertible {
    /// The bytes between the quotes.
    public let opaqueTag: [UInt8]
    public let isWeak: Bool

    public init(opaqueTag: [UInt8], isWeak: Bool) {
        self.opaqueTag = opaqueTag
        self.isWeak = isWeak
    }

    /// The field value: `"opaque"` or `W/"opaque"`.
    public var headerBytes: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(opaqueTag.count + 4)
        if isWeak { bytes.append(contentsOf: [UInt8(ascii: "W"), UInt8(ascii: "/")]) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: opaqueTag)
        bytes.append(UInt8(ascii: "\""))
        return bytes
    }

    public var headerValue: String {
        let length = opaqueTag.count + (isWeak ? 4 : 2)
        return String(unsafeUninitializedCapacity: length) { buffer in
            var index = 0
            if isWeak {
                buffer[0] = UInt8(ascii: "W")
                buffer[1] = UInt8(ascii: "/")
                index = 2
            }
            buffer[index] = UInt8(ascii: "\"")
            for byte in opaqueTag {
                index += 1
                buffer[index] = byte
            }
            buffer[index + 1] = UInt8(ascii: "\"")
            return length
        }
    }

    public var description: String { headerValue }

    /// The tag Sluice sends for a file: `"<inode>-<size>-<mtime>"`, each in lower-case hex, the
    /// modification time in nanoseconds since the epoch (two's complement before 1970). Like
    /// lighttpd's (a hash of inode, size and mtime) it changes when the file is replaced or written; unlike
    /// it, it is readable and cannot collide.
    ///
    /// It is **weak** while the file was modified less than a second before `now` (Unix seconds): a
    /// second write within the file system's timestamp granularity could change the content and keep
    /// the tag, which only a weak validator may do (RFC 9110 §8.8.1; Apache does the same).
    public static func forFile(_ stamp: FileStamp, now: Int64) -> EntityTag {
        var opaque = [UInt8]()
        opaque.reserveCapacity(48)
        appendHex(stamp.inode, to: &opaque)
        opaque.append(UInt8(ascii: "-"))
        appendHex(UInt64(bitPattern: stamp.size), to: &opaque)
        opaque.append(UInt8(ascii: "-"))
        let nanoseconds = stamp.modificationSeconds &* 1_000_000_000 &+ stamp.modificationNanoseconds
        appendHex(UInt64(bitPattern: nanoseconds), to: &opaque)
        return EntityTag(opaqueTag: opaque, isWeak: stamp.modificationSeconds >= now - 1)
    }

    /// Weak comparison (RFC 9110 §8.8.3.2): the opaque tags are equal, weakness aside.
    public func weaklyMatches(_ other: EntityTag) -> Bool {
        opaqueTag == other.opaqueTag
    }

    /// Strong comparison: both strong and equal.
    public func stronglyMatches(_ other: EntityTag) -> Bool {
        !isWeak && !other.isWeak && opaqueTag == other.opaqueTag
    }

    private static func appendHex(_ value: UInt64, to bytes: inout [UInt8]) {
        var shift = 60
        while shift > 0 && (value >> UInt64(shift)) & 0xF == 0 { shift -= 4 }
        while shift >= 0 {
            bytes.append(lowerHexDigits[Int((value >> UInt64(shift)) & 0xF)])
            shift -= 4
        }
    }

    private static let lowerHexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
