/// The captured bytes of one match, owned, so they outlive the subject they came from.
///
/// lighttpd's `%0`…`%9` name the captures of the regex condition that encloses a rewrite or redirect
/// (`$HTTP["host"] =~ "^(www)\.example\.com$"` gives `%1` = `www`). The condition is matched before the rule, on a
/// different subject (the Host, say), so its captures are kept here: one copy of the bytes spanning every set
/// group, plus the group ranges re-based onto that copy. Reading allocates nothing, and copying a `Captures` is a
/// retain: it is one reference to immutable storage, which keeps `RewriteInput` small.
public struct Captures: Sendable, Hashable {
    private let storage: Storage

    /// Copies the groups of `match` out of `subject`, the buffer `match` was found in.
    public init(_ match: RegexMatch, in subject: UnsafeBufferPointer<UInt8>) {
        let span = match.span.clamped(to: 0..<subject.count)
        storage = Storage(bytes: Array(subject[span]), match: match.rebased(by: span.lowerBound))
    }

    /// Copies the groups of `match` out of the byte array it was found in.
    public init(_ match: RegexMatch, in subject: [UInt8]) {
        self = subject.withUnsafeBufferPointer { Captures(match, in: $0) }
    }

    /// Number of group slots, as `RegexMatch.count`.
    public var count: Int { storage.match.count }

    /// The bytes of `group`, or nil when it is unset or beyond `count`.
    public subscript(group group: Int) -> ArraySlice<UInt8>? {
        guard let range = storage.match[group: group], range.upperBound <= storage.bytes.count else { return nil }
        return storage.bytes[range]
    }

    /// Runs `body` with the bytes of `group` (empty when the group is unset), without copying.
    func withBytes<Result>(ofGroup group: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        storage.bytes.withUnsafeBufferPointer { all in
            guard let range = storage.match[group: group], range.upperBound <= all.count else {
                return body(UnsafeBufferPointer(start: nil, count: 0))
            }
            return body(UnsafeBufferPointer(rebasing: all[range]))
        }
    }

    public static func == (lhs: Captures, rhs: Captures) -> Bool {
        lhs.storage === rhs.storage || (lhs.storage.bytes == rhs.storage.bytes && lhs.storage.match == rhs.storage.match)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.bytes)
        hasher.combine(storage.match)
    }

    /// Immutable, hence Sendable without `@unchecked`.
    private final class Storage: Sendable {
        /// Bytes from the lowest start to the highest end of any set group (usually just group 0).
        let bytes: [UInt8]
        /// Group ranges as offsets into `bytes`.
        let match: RegexMatch

        init(bytes: [UInt8], match: RegexMatch) {
            self.bytes = bytes
            self.match = match
        }
    }
}
