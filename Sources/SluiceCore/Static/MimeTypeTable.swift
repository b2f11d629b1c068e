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

    /// Suffixes up to 16 bytes, lower-cased and packed, by length; longer ones in `longSuffixes`.
    private var shortSuffixes: [SuffixKey: String] = [:]
    private var longSuffixes: [(suffix: [UInt8], type: String)] = []
    /// Every suffix length present, longest first: one dictionary probe per length.
    private var lengths: [Int] = []

    /// The pairs in config order; a suffix given twice keeps the later type (the config layer reports
    /// duplicate keys before this is built).
    public init(assignments: [(suffix: String, type: String)]) {
        var lengthSet = Set<Int>()
        for (suffix, type) in assignments {
            let lowered = suffix.utf8.map(Self.asciiLowercased)
            lengthSet.insert(lowered.count)
            if let key = SuffixKey(lowered[...]) {
                shortSuffixes[key] = type
            } else if let index = longSuffixes.firstIndex(where: { $0.suffix == lowered }) {
                longSuffixes[index].type = type
            } else {
                longSuffixes.append((lowered, type))
            }
        }
        lengths = lengthSet.sorted(by: >)
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
        for length in lengths where length <= path.count {
            let suffix = UnsafeRawBufferPointer(rebasing: path[(path.count - length)...])
            if length <= SuffixKey.capacity {
                if let type = shortSuffixes[SuffixKey(lowercasing: suffix)] { return type }
            } else {
                for entry in longSuffixes where entry.suffix.count == length {
                    if zip(entry.suffix, suffix).allSatisfy({ $0 == Self.asciiLowercased($1) }) { return entry.type }
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

/// Up to 16 lower-cased bytes packed into two words: a dictionary key built without allocating.
private struct SuffixKey: Hashable {
    static let capacity = 16
    var low: UInt64 = 0
    var high: UInt64 = 0
    var count: Int

    /// Nil when `bytes` is longer than `capacity`. `bytes` are already lower-cased.
    init?(_ bytes: ArraySlice<UInt8>) {
        guard bytes.count <= Self.capacity else { return nil }
        count = bytes.count
        for (offset, byte) in bytes.enumerated() { set(byte, at: offset) }
    }

    init(lowercasing bytes: UnsafeRawBufferPointer) {
        count = bytes.count
        for offset in 0..<bytes.count { set(MimeTypeTable.asciiLowercased(bytes[offset]), at: offset) }
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
