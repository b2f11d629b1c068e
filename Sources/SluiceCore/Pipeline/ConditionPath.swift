/// The path `$HTTP["url"]` conditions compare against: the target's path decoded once, dot-segments
/// removed, repeated slashes merged. `%2F` stays encoded (lighttpd's default `url-path-2f-decode =
/// disable`), so an encoded slash is never mistaken for a segment boundary; the request still reaches a
/// backend byte for byte, since only conditions read this form.
public enum ConditionPath {
    /// The decoded path, or nil when the path is unusable: not starting with `/`, an invalid `%` escape,
    /// or a NUL / control byte raw or encoded (answered with 400).
    public static func decode(_ raw: some Collection<UInt8>) -> [UInt8]? {
        if let plain = raw.withContiguousStorageIfAvailable(plainPath), let path = plain { return path }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var iterator = raw.makeIterator()
        guard let first = iterator.next(), first == UInt8(ascii: "/") else { return nil }
        decoded.append(first)
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                if byte < 0x20 || byte == 0x7F { return nil }
                decoded.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            let value = high << 4 | low
            if value < 0x20 || value == 0x7F { return nil }
            if value == UInt8(ascii: "/") {
                decoded.append(contentsOf: [UInt8(ascii: "%"), UInt8(ascii: "2"), UInt8(ascii: "F")])
            } else {
                decoded.append(value)
            }
        }
        return removeDotSegments(decoded)
    }

    /// The decoded path of a whole request-target (its part before `?`). A target with no query that needs no
    /// decoding (the common case) is its own path: returned as it is, without a copy.
    public static func decode(target: [UInt8]) -> [UInt8]? {
        if target.withUnsafeBufferPointer({ isPlain($0, query: true) }) { return target }
        return decode(target[..<(target.firstIndex(of: UInt8(ascii: "?")) ?? target.endIndex)])
    }

    /// The common case in one pass and one allocation: no `%`, no control byte, no `.` segment, no `//`.
    /// Returns nil (inside the optional) when the slow path is needed.
    private static func plainPath(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        isPlain(raw, query: false) ? Array(raw) : nil
    }

    /// `raw` is a path that decodes to itself (and, with `query`, has no `?`).
    private static func isPlain(_ raw: UnsafeBufferPointer<UInt8>, query: Bool) -> Bool {
        guard raw.first == UInt8(ascii: "/") else { return false }
        var previous: UInt8 = 0
        for byte in raw {
            if byte == UInt8(ascii: "%") || byte < 0x20 || byte == 0x7F { return false }
            if query && byte == UInt8(ascii: "?") { return false }
            if previous == UInt8(ascii: "/") && (byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".")) { return false }
            previous = byte
        }
        return true
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// RFC 3986 §5.2.4 on an absolute path, merging `//`; `..` above the top stays at `/`.
    static func removeDotSegments(_ path: [UInt8]) -> [UInt8] {
        var segments: [ArraySlice<UInt8>] = []
        let parts = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        var trailingSlash = path.last == UInt8(ascii: "/")
        for (index, part) in parts.enumerated() {
            let isLast = index == parts.count - 1
            if part.elementsEqual([UInt8(ascii: ".")]) {
                if isLast { trailingSlash = true }
            } else if part.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                _ = segments.popLast()
                if isLast { trailingSlash = true }
            } else {
                segments.append(part)
            }
        }
        var result: [UInt8] = [UInt8(ascii: "/")]
        result.reserveCapacity(path.count)
        for (index, segment) in segments.enumerated() {
            if index > 0 { result.append(UInt8(ascii: "/")) }
            result.append(contentsOf: segment)
        }
        if trailingSlash && !segments.isEmpty { result.append(UInt8(ascii: "/")) }
        return result
    }
}
