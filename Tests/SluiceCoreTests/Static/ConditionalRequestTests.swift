import SluiceCore
import Testing

@Suite("ETag and conditional requests")
struct ConditionalRequestTests {
    static let now: Int64 = 1_763_683_200
    static let lastModified: Int64 = 1_700_000_000  // Tue, 14 Nov 2023 22:13:20 GMT
    static let stamp = FileStamp(
        device: 1, inode: 0x1234, size: 5000, modificationSeconds: lastModified, modificationNanoseconds: 42)
    static let etag = EntityTag.forFile(stamp, now: now)

    @Test func fileTagFormat() {
        // inode 0x1234, size 5000 = 0x1388, mtime 1_700_000_000_000_000_042 ns = 0x17979cfe362a002a.
        #expect(Self.etag.headerValue == "\"1234-1388-17979cfe362a002a\"")
        #expect(!Self.etag.isWeak)
        var changed = Self.stamp
        changed.modificationNanoseconds += 1
        #expect(EntityTag.forFile(changed, now: Self.now) != Self.etag)
        changed = Self.stamp
        changed.inode += 1
        #expect(EntityTag.forFile(changed, now: Self.now) != Self.etag)
        changed = Self.stamp
        changed.size += 1
        #expect(EntityTag.forFile(changed, now: Self.now) != Self.etag)
        // Modified within the last second: weak, same opaque tag.
        let fresh = EntityTag.forFile(Self.stamp, now: Self.lastModified + 1)
        #expect(fresh.isWeak)
        #expect(fresh.headerValue == "W/" + Self.etag.headerValue)
        #expect(fresh.weaklyMatches(Self.etag))
        #expect(!fresh.stronglyMatches(Self.etag))
        #expect(!EntityTag.forFile(Self.stamp, now: Self.lastModified + 2).isWeak)
        // Before 1970 and zero values still make a tag.
        let old = FileStamp(device: 0, inode: 0, size: 0, modificationSeconds: -1, modificationNanoseconds: 0)
        #expect(EntityTag.forFile(old, now: Self.now).headerValue == "\"0-0-ffffffffc4653600\"")
    }

    /// (If-None-Match / If-Match value, weak match, strong match) against the strong current tag.
    @Test(arguments: [
        ("\"1234-1388-17979cfe362a002a\"", true, true),
        ("W/\"1234-1388-17979cfe362a002a\"", true, false),
        ("*", true, true),
        (" * ", true, true),
        ("\"other\", \"1234-1388-17979cfe362a002a\"", true, true),
        ("\"other\",W/\"1234-1388-17979cfe362a002a\"", true, false),
        (", ,\t\"1234-1388-17979cfe362a002a\" ,", true, true),
        ("\"other\"", false, false),
        ("\"1234-1388-17979cfe362a002\"", false, false),
        ("1234-1388-17979cfe362a002a", false, false),  // unquoted: not a tag
        ("\"1234-1388-17979cfe362a002a", false, false),  // unterminated
        ("garbage, \"1234-1388-17979cfe362a002a\"", true, true),  // a bad member does not spoil the list
        ("\"a,b\", \"1234-1388-17979cfe362a002a\"", true, true),  // commas inside a tag
        ("\"*\"", false, false),
        ("", false, false),
    ])
    func tagLists(field: String, weak: Bool, strong: Bool) {
        #expect(EntityTag.list(field, matches: Self.etag, comparison: .weak) == weak)
        #expect(EntityTag.list(field, matches: Self.etag, comparison: .strong) == strong)
        // With etags off only "*" can match.
        let star = field.filter { $0 != " " && $0 != "\t" } == "*"
        #expect(EntityTag.list(field, matches: nil, comparison: .weak) == star)
    }

    @Test func weakCurrentTagNeverMatchesStrongly() {
        let weak = EntityTag(opaqueTag: Array("x".utf8), isWeak: true)
        #expect(!EntityTag.list("\"x\"", matches: weak, comparison: .strong))
        #expect(EntityTag.list("\"x\"", matches: weak, comparison: .weak))
    }

    static let lm = "Tue, 14 Nov 2023 22:13:20 GMT"
    static let before = "Tue, 14 Nov 2023 22:13:19 GMT"
    static let after = "Tue, 14 Nov 2023 22:13:21 GMT"
    static let tag = "\"1234-1388-17979cfe362a002a\""

    /// (headers, GET/HEAD?, etags on?, outcome)
    @Test(arguments: [
        (ConditionalHeaders(), true, true, ConditionalRequest.Outcome.proceed),
        (ConditionalHeaders(ifNoneMatch: tag), true, true, .notModified),
        (ConditionalHeaders(ifNoneMatch: "W/" + tag), true, true, .notModified),  // weak comparison
        (ConditionalHeaders(ifNoneMatch: "\"x\", " + tag), true, true, .notModified),
        (ConditionalHeaders(ifNoneMatch: "\"x\""), true, true, .proceed),
        (ConditionalHeaders(ifNoneMatch: "*"), true, true, .notModified),
        (ConditionalHeaders(ifNoneMatch: "*"), true, false, .notModified),
        (ConditionalHeaders(ifNoneMatch: tag), true, false, .proceed),
        (ConditionalHeaders(ifNoneMatch: tag), false, true, .preconditionFailed),  // e.g. POST
        // If-Modified-Since: not modified when Last-Modified <= the date.
        (ConditionalHeaders(ifModifiedSince: lm), true, true, .notModified),
        (ConditionalHeaders(ifModifiedSince: after), true, true, .notModified),
        (ConditionalHeaders(ifModifiedSince: before), true, true, .proceed),
        (ConditionalHeaders(ifModifiedSince: "Tuesday, 14-Nov-23 22:13:20 GMT"), true, true, .notModified),
        (ConditionalHeaders(ifModifiedSince: "Tue Nov 14 22:13:20 2023"), true, true, .notModified),
        (ConditionalHeaders(ifModifiedSince: "yesterday"), true, true, .proceed),  // invalid: ignored
        (ConditionalHeaders(ifModifiedSince: lm), false, true, .proceed),  // only GET/HEAD
        // If-None-Match present: If-Modified-Since is ignored, both ways.
        (ConditionalHeaders(ifNoneMatch: "\"x\"", ifModifiedSince: lm), true, true, .proceed),
        (ConditionalHeaders(ifNoneMatch: tag, ifModifiedSince: before), true, true, .notModified),
        (ConditionalHeaders(ifNoneMatch: tag, ifModifiedSince: lm), true, false, .proceed),
        // If-Match: strong comparison, 412 when false; it takes precedence over If-Unmodified-Since.
        (ConditionalHeaders(ifMatch: tag), true, true, .proceed),
        (ConditionalHeaders(ifMatch: "*"), true, true, .proceed),
        (ConditionalHeaders(ifMatch: "W/" + tag), true, true, .preconditionFailed),
        (ConditionalHeaders(ifMatch: "\"x\""), false, true, .preconditionFailed),
        (ConditionalHeaders(ifMatch: tag), true, false, .preconditionFailed),
        (ConditionalHeaders(ifMatch: tag, ifUnmodifiedSince: before), true, true, .proceed),
        (ConditionalHeaders(ifMatch: tag, ifNoneMatch: tag), true, true, .notModified),
        // If-Unmodified-Since: 412 when modified after the date.
        (ConditionalHeaders(ifUnmodifiedSince: lm), true, true, .proceed),
        (ConditionalHeaders(ifUnmodifiedSince: before), true, true, .preconditionFailed),
        (ConditionalHeaders(ifUnmodifiedSince: "nonsense"), true, true, .proceed),
    ])
    func preconditions(headers: ConditionalHeaders, getOrHead: Bool, etags: Bool, outcome: ConditionalRequest.Outcome) {
        let result = ConditionalRequest.evaluate(
            headers, isGetOrHead: getOrHead, etag: etags ? Self.etag : nil, lastModified: Self.lastModified,
            now: Self.now)
        #expect(result == outcome)
    }

    /// (If-Range, etag on?, now, Range applies?)
    @Test(arguments: [
        (String?.none, true, now, true),
        (tag, true, now, true),
        (" " + tag, true, now, true),
        ("W/" + tag, true, now, false),  // weak tags never match If-Range
        ("\"x\"", true, now, false),
        (tag, false, now, false),
        (lm, true, now, true),
        (before, true, now, false),  // exact match only
        (after, true, now, false),
        (lm, true, lastModified, false),  // Last-Modified not yet a strong validator
        ("garbage", true, now, false),
        ("*", true, now, false),
    ])
    func ifRange(value: String?, etags: Bool, now: Int64, applies: Bool) {
        let result = ConditionalRequest.ifRangeAllowsRange(
            value, etag: etags ? Self.etag : nil, lastModified: Self.lastModified, now: now)
        #expect(result == applies)
    }
}
