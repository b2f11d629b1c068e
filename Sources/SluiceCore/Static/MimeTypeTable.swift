/// `mimetype.assign`: file name suffix → `Content-Type`.
///
/// The **longest** matching suffix wins (`.tar.gz` before `.gz`, `README` before `""`), compared
/// ASCII-case-insensitively as lighttpd does. A suffix need not start with a dot; `""` matches every
/// path and so acts as the fallback. lighttpd looks through a small table (under 16 entries) in config
/// order and takes the first suffix that matches; the longest match is the same answer for every table
/// written longest-first, and what users expect of any other.
///
/// As in lighttpd, a configured `mimetype.assign` replaces the built-in table (`forConfig`); a file
/// no suffix matches gets `application/octet-stream`.
public struct MimeTypeTable: Sendable {
    /// The `Content-Type` of files that match nothing.
    public static let defaultType = "application/octet-stream"

    /// One bucket per suffix length, longest first. Suffixes of up to 16 bytes are packed lower-cased
    /// into two words and kept sorted, so a lookup is one binary search per length, no hashing and no
    /// allocation; longer suffixes are compared byte by byte.
    private var buckets: [Bucket] = []

    private struct Bucket: Sendable {
        let length: Int
        var keys: [SuffixKey] = []
        var types: [String] = []
        var longSuffixes: [(suffix: [UInt8], type: String)] = []
    }

    /// The pairs in config order; a suffix given twice keeps the later type (the config layer reports
    /// duplicate keys before this is built).
    public init(assignments: [(suffix: String, type: String)]) {
        var byLength: [Int: [(suffix: [UInt8], type: String)]] = [:]
        for (suffix, type) in assignments {
            let lowered = suffix.utf8.map(Self.asciiLowercased)
            var list = byLength[lowered.count, default: []]
            list.removeAll { $0.suffix == lowered }
            list.append((lowered, type))
            byLength[lowered.count] = list
        }
        for (length, list) in byLength.sorted(by: { $0.key > $1.key }) {
            var bucket = Bucket(length: length)
            if length <= SuffixKey.capacity {
                let sorted = list.map { (key: SuffixKey(packing: $0.suffix[...]), type: $0.type) }.sorted {
                    $0.key < $1.key
                }
                bucket.keys = sorted.map(\.key)
                bucket.types = sorted.map(\.type)
            } else {
                bucket.longSuffixes = list
            }
            buckets.append(bucket)
        }
    }

    public init(assignments: KeyValuePairs<String, String>) {
        self.init(assignments: assignments.map { (suffix: $0.key, type: $0.value) })
    }

    /// The table for a config scope: its `mimetype.assign` pairs, or the built-in table when unset.
    public static func forConfig(assign: [(suffix: String, type: String)]?) -> MimeTypeTable {
        assign.map { MimeTypeTable(assignments: $0) } ?? .builtIn
    }

    /// The type of the longest suffix of `path` in the table, nil when none matches.
    public func match(_ path: some Collection<UInt8>) -> String? {
        if let found = path.withContiguousStorageIfAvailable({ lookUp(UnsafeRawBufferPointer($0)) }) {
            return found
        }
        return Array(path).withUnsafeBytes { lookUp($0) }
    }

    /// The `Content-Type` to send for `path`: `match`, or `application/octet-stream`.
    public func contentType(forPath path: some Collection<UInt8>) -> String {
        match(path) ?? Self.defaultType
    }

    public func contentType(forPath path: String) -> String {
        contentType(forPath: path.utf8)
    }

    private func lookUp(_ path: UnsafeRawBufferPointer) -> String? {
        for bucket in buckets where bucket.length <= path.count {
            let suffix = UnsafeRawBufferPointer(rebasing: path[(path.count - bucket.length)...])
            if bucket.length <= SuffixKey.capacity {
                let key = SuffixKey(lowercasing: suffix)
                var low = 0
                var high = bucket.keys.count
                while low < high {
                    let middle = (low + high) / 2
                    if bucket.keys[middle] < key { low = middle + 1 } else { high = middle }
                }
                if low < bucket.keys.count && bucket.keys[low] == key { return bucket.types[low] }
            } else {
                for entry in bucket.longSuffixes
                where zip(entry.suffix, suffix).allSatisfy({ $0 == Self.asciiLowercased($1) }) {
                    return entry.type
                }
            }
        }
        return nil
    }

    @inline(__always)
    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}

/// Up to 16 lower-cased bytes packed into two words (the length is implied by the bucket).
private struct SuffixKey: Comparable, Sendable {
    static let capacity = 16
    var low: UInt64 = 0
    var high: UInt64 = 0

    /// `bytes` are already lower-cased and at most `capacity` long.
    init(packing bytes: ArraySlice<UInt8>) {
        for (offset, byte) in bytes.enumerated() { set(byte, at: offset) }
    }

    init(lowercasing bytes: UnsafeRawBufferPointer) {
        for offset in 0..<bytes.count { set(MimeTypeTable.asciiLowercased(bytes[offset]), at: offset) }
    }

    static func < (left: SuffixKey, right: SuffixKey) -> Bool {
        (left.high, left.low) < (right.high, right.low)
    }

    @inline(__always)
    private mutating func set(_ byte: UInt8, at offset: Int) {
        if offset < 8 {
            low |= UInt64(byte) << (offset * 8)
        } else {
            high |= UInt64(byte) << ((offset - 8) * 8)
        }
    }
}
