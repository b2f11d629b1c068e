/// A request path decoded once and normalised: what `$HTTP["url"]` conditions compare against and what
/// static files and `alias.url` are looked up by.
///
/// `normalize` takes the path as sent (percent-encoded, without `?query`) and
/// 1. decodes `%XX` exactly once (so `%252e` is the three bytes `%2e`, never `.`);
/// 2. refuses, with 400, an invalid escape (`%`, `%4`, `%zz`), NUL and every other control byte, sent
///    raw or encoded (lighttpd's default `url-ctrls-reject`), and bytes that are not UTF-8 once decoded
///    (lighttpd's default `url-invalid-utf8-reject`);
/// 3. by default refuses an encoded slash `%2F` with 404 (`EncodedSlash.refuse`). lighttpd decodes it
///    into a `/`; Sluice does not, so for files a segment boundary is only ever a `/` the client sent,
///    and `a%2Fb`, one segment to a rewrite or proxy rule, can never be served a file found as `a/b`.
///    Requests that go to a backend keep their `%2F` (SPEC §3), so the `$HTTP["url"]` of such a
///    request is normalised with `.keepEncoded` instead;
/// 4. removes dot-segments after decoding (RFC 3986 §5.2.4), so `%2e%2e` and `.%2e` count as `..`,
///    and a `..` above the top stays at `/`: the path can never climb out of its root;
/// 5. merges repeated slashes (`//` → `/`, as lighttpd's `buffer_path_simplify`).
///
/// A backslash is an ordinary byte (Linux file names may contain it). The result always starts with
/// `/`; it ends with `/` when the request did or when its last segment was `.` or `..`.
public struct RequestPath: Sendable, Hashable, CustomStringConvertible {
    /// What to do with `%2F`, an encoded slash.
    public enum EncodedSlash: Sendable, Hashable {
        /// 404 (`PathRefusal.encodedSlash`): the choice for anything looked up on disk.
        case refuse
        /// Kept as the three bytes `%2F` inside its segment: a condition sees what the backend gets.
        /// (lighttpd decodes it to `/` for `$HTTP["url"]`; then `/public%2F..%2Fadmin` reads as a path
        /// into `/admin` that no `=^ "/admin"` rule matches. A `%252F` also reads `%2F`, harmlessly.)
        case keepEncoded
    }

    /// The decoded, normalised path: valid UTF-8, starts with `/`, no `.`/`..` segments, no `//`.
    public let bytes: [UInt8]
    /// Byte offset, in the raw path, of the first `%2F` that `.keepEncoded` let through;
    /// nil when there was none. A path with one is never served from disk.
    public let encodedSlashOffset: Int?

    /// Only `normalize` makes these, so the invariants above hold.
    private init(bytes: [UInt8], encodedSlashOffset: Int?) {
        self.bytes = bytes
        self.encodedSlashOffset = encodedSlashOffset
    }

    /// `bytes` as a `String` (lossless: the bytes are valid UTF-8).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public var description: String { string }

    /// Whether the path names a directory (`/`, `/a/`).
    public var hasTrailingSlash: Bool { bytes.last == UInt8(ascii: "/") }

    /// Decodes and normalises `rawPath` (the request path as sent, no query), or says why not.
    public static func normalize(_ rawPath: some Collection<UInt8>, encodedSlash: EncodedSlash = .refuse)
        throws(PathRefusal) -> RequestPath
    {
        let result: Result<RequestPath, PathRefusal>? = rawPath.withContiguousStorageIfAvailable { buffer in
            normalizeBuffer(buffer, encodedSlash)
        }
        if let result { return try result.get() }
        return try Array(rawPath).withUnsafeBufferPointer { normalizeBuffer($0, encodedSlash) }.get()
    }

    public static func normalize(_ rawPath: String, encodedSlash: EncodedSlash = .refuse) throws(PathRefusal)
        -> RequestPath
    {
        var rawPath = rawPath
        return try rawPath.withUTF8 { normalizeBuffer($0, encodedSlash) }.get()
    }

    /// The same as `normalize`, for callers that only need to know whether the path is usable, such as
    /// `$HTTP["url"]` conditions (a refused path is answered before any condition matters).
    public static func normalized(_ rawPath: some Collection<UInt8>, encodedSlash: EncodedSlash = .refuse)
        -> RequestPath?
    {
        try? normalize(rawPath, encodedSlash: encodedSlash)
    }

    private static func normalizeBuffer(_ raw: UnsafeBufferPointer<UInt8>, _ encodedSlash: EncodedSlash)
        -> Result<RequestPath, PathRefusal>
    {
        guard raw.first == UInt8(ascii: "/") else { return .failure(.notAbsolute) }
        var out = [UInt8]()
        out.reserveCapacity(raw.count)
        out.append(UInt8(ascii: "/"))
        // `out` ends with "/" whenever a new segment starts; the segment's decoded bytes follow it.
        var segmentStart = 1
        var index = 1
        var encodedSlashOffset: Int?
        while true {
            let atEnd = index == raw.count
            if atEnd || raw[index] == UInt8(ascii: "/") {
                guard UTF8Validation.isValid(out[segmentStart...]) else { return .failure(.invalidUTF8) }
                endSegment(&out, segmentStart: segmentStart, slashFollows: !atEnd)
                if atEnd { break }
                segmentStart = out.count
                index += 1
                continue
            }
            var byte = raw[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < raw.count, let high = hexValue(raw[index + 1]), let low = hexValue(raw[index + 2])
                else { return .failure(.invalidEscape(offset: index)) }
                byte = high << 4 | low
                if byte == UInt8(ascii: "/") {
                    switch encodedSlash {
                    case .refuse:
                        return .failure(.encodedSlash(offset: index))
                    case .keepEncoded:
                        out.append(contentsOf: [UInt8(ascii: "%"), UInt8(ascii: "2"), UInt8(ascii: "F")])
                        encodedSlashOffset = encodedSlashOffset ?? index
                        index += 3
                        continue
                    }
                }
                if byte < 0x20 || byte == 0x7F { return .failure(.controlCharacter(offset: index)) }
                index += 3
            } else {
                if byte < 0x20 || byte == 0x7F { return .failure(.controlCharacter(offset: index)) }
                index += 1
            }
            out.append(byte)
        }
        return .success(RequestPath(bytes: out, encodedSlashOffset: encodedSlashOffset))
    }

    /// Applies RFC 3986 §5.2.4 to the segment just read (`out[segmentStart...]`), keeping `out` ending
    /// in "/" unless this was the last segment and a plain name.
    @inline(__always)
    private static func endSegment(_ out: inout [UInt8], segmentStart: Int, slashFollows: Bool) {
        let length = out.count - segmentStart
        let dot = UInt8(ascii: ".")
        if length == 0 {
            return  // "//" or the trailing "/": nothing to add
        }
        if length == 1 && out[segmentStart] == dot {
            out.removeLast()
            return
        }
        if length == 2 && out[segmentStart] == dot && out[segmentStart + 1] == dot {
            out.removeLast(2)
            // Drop the previous segment, unless we are at the top ("/..": stays "/").
            if segmentStart > 1 {
                var cut = segmentStart - 2
                while out[cut] != UInt8(ascii: "/") { cut -= 1 }
                out.removeSubrange((cut + 1)...)
            }
            return
        }
        if slashFollows { out.append(UInt8(ascii: "/")) }
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}
