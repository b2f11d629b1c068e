extension EntityTag {
    /// How two tags are compared (RFC 9110 §8.8.3.2).
    public enum Comparison: Sendable, Hashable {
        /// Both strong and equal: `If-Match`, `If-Range`.
        case strong
        /// Equal opaque tags: `If-None-Match`.
        case weak
    }

    /// Whether an `If-Match` / `If-None-Match` field value (`*` or a list of entity tags, repeated header
    /// lines joined with `,`) matches the current representation, whose tag is `current` (nil when
    /// `static-file.etags` is off). `*` matches any current representation, with or without a tag.
    ///
    /// The list is read without building it: spaces and tabs around members and empty members are
    /// allowed (RFC 9110 §5.6.1); a malformed member (unquoted, unterminated) is skipped rather than
    /// failing the whole field.
    public static func list(_ field: some Collection<UInt8>, matches current: EntityTag?, comparison: Comparison)
        -> Bool
    {
        if let result = field.withContiguousStorageIfAvailable({
            list(buffer: $0, matches: current, comparison: comparison)
        }) {
            return result
        }
        return Array(field).withUnsafeBufferPointer { list(buffer: $0, matches: current, comparison: comparison) }
    }

    public static func list(_ field: String, matches current: EntityTag?, comparison: Comparison) -> Bool {
        list(Array(field.utf8), matches: current, comparison: comparison)
    }

    private static func list(buffer: UnsafeBufferPointer<UInt8>, matches current: EntityTag?, comparison: Comparison)
        -> Bool
    {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        var start = 0
        var end = buffer.count
        while start < end && isSpace(buffer[start]) { start += 1 }
        while end > start && isSpace(buffer[end - 1]) { end -= 1 }
        if end - start == 1 && buffer[start] == UInt8(ascii: "*") { return true }
        guard let current else { return false }

        var index = start
        while index < end {
            while index < end && (isSpace(buffer[index]) || buffer[index] == UInt8(ascii: ",")) { index += 1 }
            guard index < end else { break }
            var weak = false
            if buffer[index] == UInt8(ascii: "W") && index + 1 < end && buffer[index + 1] == UInt8(ascii: "/") {
                weak = true
                index += 2
            }
            if index < end && buffer[index] == UInt8(ascii: "\"") {
                let opaqueStart = index + 1
                var closing = opaqueStart
                while closing < end && buffer[closing] != UInt8(ascii: "\"") { closing += 1 }
                if closing < end {
                    var after = closing + 1
                    while after < end && isSpace(buffer[after]) { after += 1 }
                    if after == end || buffer[after] == UInt8(ascii: ",") {
                        let opaque = UnsafeBufferPointer(rebasing: buffer[opaqueStart..<closing])
                        let equal = opaque.elementsEqual(current.opaqueTag)
                        switch comparison {
                        case .weak: if equal { return true }
                        case .strong: if equal && !weak && !current.isWeak { return true }
                        }
                        index = after
                        continue
                    }
                }
            }
            // Malformed member: skip to the next comma.
            while index < end && buffer[index] != UInt8(ascii: ",") { index += 1 }
        }
        return false
    }
}
