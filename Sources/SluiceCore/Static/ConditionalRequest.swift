/// The request header fields that make a static-file request conditional or partial, as received
/// (repeated `If-Match` / `If-None-Match` lines joined with `, `). nil = absent.
public struct ConditionalHeaders: Sendable, Hashable {
    public var ifMatch: String?
    public var ifNoneMatch: String?
    public var ifModifiedSince: String?
    public var ifUnmodifiedSince: String?
    public var ifRange: String?
    public var range: String?

    public init(
        ifMatch: String? = nil, ifNoneMatch: String? = nil, ifModifiedSince: String? = nil,
        ifUnmodifiedSince: String? = nil, ifRange: String? = nil, range: String? = nil
    ) {
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.ifUnmodifiedSince = ifUnmodifiedSince
        self.ifRange = ifRange
        self.range = range
    }
}

/// Preconditions (RFC 9110 §13.2.2) for a representation that exists, evaluated in the RFC's order:
/// 1. `If-Match` (strong comparison; `*` matches) false → 412;
/// 2. else `If-Unmodified-Since` (valid date) earlier than Last-Modified → 412;
/// 3. `If-None-Match` (weak comparison; `*` matches) true → 304 for GET/HEAD, 412 otherwise;
/// 4. else, GET/HEAD only, `If-Modified-Since` (valid date) not earlier than Last-Modified → 304.
///
/// An invalid date is ignored, as the RFC requires. lighttpd evaluates only steps 3 and 4 for static
/// files; the first two cost nothing when absent and make `If-Match` do what clients expect.
/// `If-Range` is `ifRangeAllowsRange`'s business, evaluated afterwards with `Range`.
public enum ConditionalRequest {
    public enum Outcome: Sendable, Hashable {
        /// Serve normally (200, or 206 if a Range applies).
        case proceed
        /// 304 Not Modified.
        case notModified
        /// 412 Precondition Failed.
        case preconditionFailed
    }

    /// `lastModified` and `now` are Unix seconds; `etag` is nil when `static-file.etags` is off.
    public static func evaluate(
        _ headers: ConditionalHeaders, isGetOrHead: Bool, etag: EntityTag?, lastModified: Int64, now: Int64
    ) -> Outcome {
        if let ifMatch = headers.ifMatch {
            if !EntityTag.list(ifMatch.utf8, matches: etag, comparison: .strong) { return .preconditionFailed }
        } else if let value = headers.ifUnmodifiedSince, let date = HTTPDate.parse(value.utf8, now: now) {
            if lastModified > date { return .preconditionFailed }
        }
        if let ifNoneMatch = headers.ifNoneMatch {
            if EntityTag.list(ifNoneMatch.utf8, matches: etag, comparison: .weak) {
                return isGetOrHead ? .notModified : .preconditionFailed
            }
        } else if isGetOrHead, let value = headers.ifModifiedSince, let date = HTTPDate.parse(value.utf8, now: now) {
            if lastModified <= date { return .notModified }
        }
        return .proceed
    }

    /// Whether `If-Range` (RFC 9110 §13.1.5) lets `Range` apply; without `If-Range` it does.
    /// - an entity tag: it must match `etag` strongly (a weak tag never does);
    /// - an HTTP-date: it must equal Last-Modified exactly, and Last-Modified must be strong, that is at
    ///   least one second before `now` (§8.8.2.2);
    /// - anything else: false, and the full representation is sent.
    public static func ifRangeAllowsRange(_ ifRange: String?, etag: EntityTag?, lastModified: Int64, now: Int64)
        -> Bool
    {
        guard let ifRange else { return true }
        let bytes = ifRange.utf8
        let first = bytes.first { $0 != 0x20 && $0 != 0x09 }
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "W") {
            return EntityTag.list(bytes, matches: etag, comparison: .strong)
        }
        guard let date = HTTPDate.parse(bytes, now: now) else { return false }
        return date == lastModified && lastModified < now
    }
}
