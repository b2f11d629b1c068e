/// What a Range header comes to for a representation of a given size.
public enum RangeResolution: Sendable, Hashable {
    /// Send the whole representation (200): the header is ignored.
    case whole
    /// 206 with `Content-Range: bytes first-last/size`.
    case single(ByteRange)
    /// 206 `multipart/byteranges`, parts in this order (request order, merged ranges at the place of
    /// their first member).
    case multiple([ByteRange])
    /// 416 with `Content-Range: bytes */size`.
    case unsatisfiable
}

extension ByteRangeRequest {
    /// Applies the specs to a representation of `size` bytes (RFC 9110 §14.1.1, §14.1.2):
    /// - `first-last`, `first-` are satisfiable when first < size, last clamped to size - 1;
    /// - `-length` is satisfiable when length > 0, and means the whole representation when length ≥ size
    ///   (`bytes=-500` of a 100-byte file is `0-99`, a 206);
    /// - unsatisfiable specs are dropped; none left → 416;
    /// - ranges that overlap or touch are merged into one part (no byte is sent twice);
    /// - more specs than `limits.maxRanges`, or more than `limits.maxOverlaps` overlapping ranges →
    ///   the whole representation (200), as RFC 9110 §14.3 permits against abuse.
    ///
    /// An empty representation is always sent whole: no byte range can describe a 206 of it
    /// (lighttpd does the same).
    public func resolve(size: Int64, limits: ByteRangeLimits = .init()) -> RangeResolution {
        guard size > 0, specs.count <= limits.maxRanges else { return .whole }
        let lastByte = UInt64(size - 1)
        var ranges = [ByteRange]()
        ranges.reserveCapacity(specs.count)
        for spec in specs {
            switch spec {
            case .closed(let first, let last) where first <= lastByte:
                ranges.append(ByteRange(first: Int64(first), last: Int64(min(last, lastByte))))
            case .from(let first) where first <= lastByte:
                ranges.append(ByteRange(first: Int64(first), last: Int64(lastByte)))
            case .suffix(let length) where length > 0:
                let first = length > lastByte ? 0 : lastByte + 1 - length
                ranges.append(ByteRange(first: Int64(first), last: Int64(lastByte)))
            default:
                continue
            }
        }
        guard !ranges.isEmpty else { return .unsatisfiable }
        guard ranges.count > 1 else { return .single(ranges[0]) }
        guard Self.overlapCount(ranges) <= limits.maxOverlaps else { return .whole }
        let merged = Self.merge(ranges)
        return merged.count == 1 ? .single(merged[0]) : .multiple(merged)
    }

    /// How many ranges start inside (or right at) a range that starts before them, in position order.
    static func overlapCount(_ ranges: [ByteRange]) -> Int {
        let sorted = ranges.sorted { ($0.first, $0.last) < ($1.first, $1.last) }
        var overlaps = 0
        var reach = sorted[0].last
        for range in sorted.dropFirst() {
            if range.first <= reach { overlaps += 1 }
            reach = max(reach, range.last)
        }
        return overlaps
    }

    /// Merges ranges that overlap or are adjacent, keeping the request order of first appearance.
    /// Quadratic, on at most `maxRanges` ranges.
    static func merge(_ ranges: [ByteRange]) -> [ByteRange] {
        var result = [ByteRange]()
        for range in ranges {
            var current = range
            // Absorb every kept range this one touches; it takes the place of the earliest of them.
            var position: Int?
            var index = 0
            while index < result.count {
                let kept = result[index]
                if current.first <= kept.last + 1 && kept.first <= current.last + 1 {
                    current = ByteRange(first: min(kept.first, current.first), last: max(kept.last, current.last))
                    if position == nil {
                        position = index
                        index += 1
                    } else {
                        result.remove(at: index)
                    }
                } else {
                    index += 1
                }
            }
            if let position {
                result[position] = current
            } else {
                result.append(current)
            }
        }
        return result
    }
}
