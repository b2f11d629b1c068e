/// HTTP dates (RFC 9110 §5.6.7): the IMF-fixdate Sluice sends (`Sun, 06 Nov 1994 08:49:37 GMT`, always
/// 29 bytes) and the three formats it must accept.
///
/// Formatting is integer arithmetic into the caller's buffer: no `DateFormatter`, no locale, no
/// allocation in `write(_:into:)`. The server's `Date` header can format once per second and reuse the
/// bytes. Times outside years 0001...9999 are clamped into them so the result is always 29 bytes.
public enum HTTPDate {
    /// The length of every IMF-fixdate this type writes.
    public static let formattedLength = 29

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    static let earliest: Int64 = -62_135_596_800
    static let latest: Int64 = 253_402_300_799

    /// Writes the IMF-fixdate of `unixSeconds` into the first 29 bytes of `buffer` and returns 29.
    /// `buffer` must hold at least `formattedLength` bytes (a programmer error otherwise).
    @discardableResult
    public static func write(_ unixSeconds: Int64, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= formattedLength, "HTTPDate.write needs a 29-byte buffer")
        let time = CivilTime(unixSeconds: min(max(unixSeconds, earliest), latest))
        let out = buffer.bindMemory(to: UInt8.self)
        @inline(__always) func put(_ text: [UInt8], at offset: Int) {
            for index in 0..<text.count { out[offset + index] = text[index] }
        }
        @inline(__always) func two(_ value: Int, at offset: Int) {
            out[offset] = UInt8(ascii: "0") &+ UInt8(value / 10)
            out[offset + 1] = UInt8(ascii: "0") &+ UInt8(value % 10)
        }
        put(CivilTime.weekdayNames[time.weekday], at: 0)
        out[3] = UInt8(ascii: ",")
        out[4] = UInt8(ascii: " ")
        two(time.day, at: 5)
        out[7] = UInt8(ascii: " ")
        put(CivilTime.monthNames[time.month - 1], at: 8)
        out[11] = UInt8(ascii: " ")
        let year = Int(time.year)
        two(year / 100, at: 12)
        two(year % 100, at: 14)
        out[16] = UInt8(ascii: " ")
        two(time.hour, at: 17)
        out[19] = UInt8(ascii: ":")
        two(time.minute, at: 20)
        out[22] = UInt8(ascii: ":")
        two(time.second, at: 23)
        put(gmtSuffix, at: 25)
        return formattedLength
    }

    /// Appends the IMF-fixdate of `unixSeconds` to `bytes`.
    public static func append(_ unixSeconds: Int64, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: formattedLength))
        bytes.withUnsafeMutableBytes { buffer in
            _ = write(unixSeconds, into: UnsafeMutableRawBufferPointer(rebasing: buffer[start...]))
        }
    }

    public static func format(_ unixSeconds: Int64) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(formattedLength)
        append(unixSeconds, to: &bytes)
        return bytes
    }

    public static func string(_ unixSeconds: Int64) -> String {
        String(unsafeUninitializedCapacity: formattedLength) { buffer in
            write(unixSeconds, into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    private static let gmtSuffix: [UInt8] = Array(" GMT".utf8)
}
