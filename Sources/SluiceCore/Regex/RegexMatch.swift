/// Where one match of a `CompiledRegex` and its capture groups lie in the subject, as byte offsets.
///
/// A small plain value (84 bytes, no heap, no reference counting), returned by every match, so matching
/// allocates nothing and copying a match is a few register moves. It holds groups `0..<RegexMatch.maxGroups`
/// (0-9), the groups lighttpd's `$0`-`$9` and `%0`-`%9` name. Groups past 9 are dropped (PCRE2 still matches the
/// whole pattern); `RewriteTemplate` rejects the braced `${10}`…`${19}` that lighttpd also accepts.
///
/// Offsets are stored as `UInt32` to keep the value small (with 20 groups of `Int` pairs it measured about
/// 70 ns slower per request, all in `memcpy`); `CompiledRegex` therefore refuses subjects of 4 GiB or more, which
/// no request line or header reaches.
public struct RegexMatch: Sendable, Hashable {
    /// How many groups (the whole match included) a `RegexMatch` can hold.
    public static let maxGroups = 10

    /// The largest subject length whose offsets fit.
    static let maxSubjectLength = Int(UInt32.max) - 1

    /// Marks an unset group (PCRE2_UNSET, which reads as -1 through the `Int` import of PCRE2_SIZE).
    private static let unset = UInt32.max

    private let storedCount: UInt8
    /// Start/end pairs.
    private var offsets: OffsetPairs

    /// PCRE2's "highest-numbered group that was set, plus one", clamped to `maxGroups`. Groups at or beyond
    /// `count` are unset; so may be groups below it (e.g. the first alternative of `(a)|(b)` when `b` matched).
    public var count: Int { Int(storedCount) }

    /// Reads the first `maxGroups` pairs of a PCRE2 ovector, which must hold at least that many (the match data
    /// has `MatchDataCache.pairCapacity`), of which the first `pairCount` are this match's. Slots past `pairCount`
    /// may hold stale offsets; `count` hides them. Offsets are at most `maxSubjectLength`, or PCRE2_UNSET,
    /// which reads as -1 through the `Int` import and truncates to `UInt32.max`, the unset marker.
    @inline(__always)
    init(ovector o: UnsafePointer<Int>, pairCount: Int) {
        storedCount = UInt8(truncatingIfNeeded: min(pairCount, Self.maxGroups))
        // Straight-line, so the value is built in registers and stored once.
        offsets = OffsetPairs(
            storage: (
                UInt32(truncatingIfNeeded: o[0]), UInt32(truncatingIfNeeded: o[1]),
                UInt32(truncatingIfNeeded: o[2]), UInt32(truncatingIfNeeded: o[3]),
                UInt32(truncatingIfNeeded: o[4]), UInt32(truncatingIfNeeded: o[5]),
                UInt32(truncatingIfNeeded: o[6]), UInt32(truncatingIfNeeded: o[7]),
                UInt32(truncatingIfNeeded: o[8]), UInt32(truncatingIfNeeded: o[9]),
                UInt32(truncatingIfNeeded: o[10]), UInt32(truncatingIfNeeded: o[11]),
                UInt32(truncatingIfNeeded: o[12]), UInt32(truncatingIfNeeded: o[13]),
                UInt32(truncatingIfNeeded: o[14]), UInt32(truncatingIfNeeded: o[15]),
                UInt32(truncatingIfNeeded: o[16]), UInt32(truncatingIfNeeded: o[17]),
                UInt32(truncatingIfNeeded: o[18]), UInt32(truncatingIfNeeded: o[19])
            ))
    }

    /// The same match with every set offset moved down by `base` (used by `Captures` to re-base onto a copy).
    func rebased(by base: Int) -> RegexMatch {
        var copy = self
        let shift = UInt32(clamping: base)
        withUnsafeMutableBytes(of: &copy.offsets) { raw in
            let slots = raw.bindMemory(to: UInt32.self)
            for group in 0..<count where slots[group * 2] != Self.unset {
                slots[group * 2] = slots[group * 2] >= shift ? slots[group * 2] - shift : Self.unset
                slots[group * 2 + 1] = slots[group * 2 + 1] >= shift ? slots[group * 2 + 1] - shift : Self.unset
            }
        }
        return copy
    }

    /// The byte range of `group` in the subject, or nil when the group is unset or beyond `count`.
    @inline(__always)
    public subscript(group group: Int) -> Range<Int>? {
        guard group >= 0, group < count else { return nil }
        return withUnsafeBytes(of: offsets) { raw -> Range<Int>? in
            let start = raw.load(fromByteOffset: group * 8, as: UInt32.self)
            let end = raw.load(fromByteOffset: group * 8 + 4, as: UInt32.self)
            guard start != Self.unset, end != Self.unset, end >= start else { return nil }
            return Int(start)..<Int(end)
        }
    }

    /// The whole match (group 0).
    public var range: Range<Int> {
        self[group: 0] ?? 0..<0
    }

    /// Lowest start and highest end over every set group: groups inside a lookaround (or before `\K`) may
    /// lie outside group 0.
    var span: Range<Int> {
        var low = Int.max
        var high = Int.min
        for group in 0..<count {
            if let range = self[group: group] {
                low = min(low, range.lowerBound)
                high = max(high, range.upperBound)
            }
        }
        return low <= high ? low..<high : 0..<0
    }

    public static func == (lhs: RegexMatch, rhs: RegexMatch) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return (0..<lhs.count).allSatisfy { lhs[group: $0] == rhs[group: $0] }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for group in 0..<count {
            hasher.combine(self[group: group])
        }
    }
}

extension RegexMatch: CustomStringConvertible {
    public var description: String {
        let groups = (0..<count).map { self[group: $0].map { "\($0.lowerBound)..<\($0.upperBound)" } ?? "unset" }
        return "RegexMatch(\(groups.joined(separator: ", ")))"
    }
}

/// Inline storage for `RegexMatch.maxGroups` start/end pairs: a homogeneous tuple, so no heap and no
/// availability-gated `InlineArray` (macOS 26) while the package supports macOS 15.
private struct OffsetPairs: Sendable {
    var storage:
        (
            UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
            UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32
        )
}
