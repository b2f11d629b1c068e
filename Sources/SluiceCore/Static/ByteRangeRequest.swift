/// An inclusive byte range `first...last` of a representation, both within it.
public struct ByteRange: Sendable, Hashable, CustomStringConvertible {
    public let first: Int64
    public let last: Int64

    public init(first: Int64, last: Int64) {
        self.first = first
        self.last = last
    }

    public var count: Int64 { last - first + 1 }

    /// `first-last`, as in `Content-Range: bytes first-last/size`.
    public var description: String { "\(first)-\(last)" }
}

/// A parsed `Range: bytes=...` header (RFC 9110 §14.1.2), not yet applied to a size.
///
/// Syntax is checked strictly within each range-spec (no spaces inside `first-last`); spaces and tabs
/// around commas and empty list members are allowed (§5.6.1). The unit is case-insensitive. Numbers
/// too large for 64 bits saturate, which gives the right answer: a first position that large is past
/// any file (unsatisfiable), a last position or suffix that large means "to the end" / "the whole".
public struct ByteRangeRequest: Sendable, Hashable {
    public enum Spec: Sendable, Hashable {
        /// `first-last`
        case closed(first: UInt64, last: UInt64)
        /// `first-`
        case from(UInt64)
        /// `-length`
        case suffix(UInt64)
    }

    /// The range-specs in request order; at most `ByteRangeLimits.maxRanges + 1` are kept (one more
    /// than allowed is enough to know there were too many).
    public let specs: [Spec]

    /// nil when the header is not a valid `bytes` ranges-specifier: another unit, a spec with
    /// last < first (`5-2`), a non-digit, an empty set. The RFC says to ignore such a header (200).
    public static func parse(_ field: some Collection<UInt8>, limits: ByteRangeLimits = .init()) -> ByteRangeRequest? {
        if let result = field.withContiguousStorageIfAvailable({ parse(buffer: $0, limits: limits) }) { return result }
        return Array(field).withUnsafeBufferPointer { parse(buffer: $0, limits: limits) }
    }

    public static func parse(_ field: String, limits: ByteRangeLimits = .init()) -> ByteRangeRequest? {
        parse(Array(field.utf8), limits: limits)
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: ByteRangeLimits) -> ByteRangeRequest? {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        var index = 0
        let end = buffer.count
        while index < end && isSpace(buffer[index]) { index += 1 }
        for expected in "bytes=".utf8 {
            guard index < end, MimeTypeTable.asciiLowercased(buffer[index]) == expected else { return nil }
            index += 1
        }
        var specs = [Spec]()
        while index < end {
            while index < end && (isSpace(buffer[index]) || buffer[index] == UInt8(ascii: ",")) { index += 1 }
            guard index < end else { break }
            let spec: Spec
            if buffer[index] == UInt8(ascii: "-") {
                index += 1
                guard let length = number(buffer, &index) else { return nil }
                spec = .suffix(length)
            } else {
                guard let first = number(buffer, &index), index < end, buffer[index] == UInt8(ascii: "-")
                else { return nil }
                index += 1
                if index < end, isDigit(buffer[index]) {
                    guard let last = number(buffer, &index), last >= first else { return nil }
                    spec = .closed(first: first, last: last)
                } else {
                    spec = .from(first)
                }
            }
            while index < end && isSpace(buffer[index]) { index += 1 }
            guard index == end || buffer[index] == UInt8(ascii: ",") else { return nil }
            specs.append(spec)
            if specs.count > limits.maxRanges { break }
        }
        return specs.isEmpty ? nil : ByteRangeRequest(specs: specs)
    }

    /// Reads `1*DIGIT`, saturating at `UInt64.max`; nil when there is no digit.
    private static func number(_ buffer: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> UInt64? {
        let start = index
        var value: UInt64 = 0
        while index < buffer.count, isDigit(buffer[index]) {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(buffer[index] - UInt8(ascii: "0")))
            value = overflow1 || overflow2 ? .max : sum
            index += 1
        }
        return index > start ? value : nil
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}

/// How much of a multi-range request Sluice honours before sending the whole file instead
/// (RFC 9110 §14.3 allows ignoring a Range that looks like an attack).
public struct ByteRangeLimits: Sendable, Hashable {
    /// More range-specs than this → the Range header is ignored (200 with the whole file).
    /// lighttpd stops at 128 (10 when unsorted); real clients send a handful.
    public var maxRanges: Int
    /// More satisfiable ranges that overlap an earlier one than this → ignored (200). "More than two
    /// overlapping ranges" is the RFC's example of abuse; one overlap is merged and served.
    public var maxOverlaps: Int

    public init(maxRanges: Int = 16, maxOverlaps: Int = 1) {
        self.maxRanges = maxRanges
        self.maxOverlaps = maxOverlaps
    }
}
