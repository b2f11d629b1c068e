import SluiceCore
import Testing

@Suite("Request path normalisation")
struct RequestPathTests {
    /// (as sent, decoded and normalised)
    @Test(arguments: [
        ("/", "/"),
        ("/index.html", "/index.html"),
        ("/a/b/", "/a/b/"),
        ("/a%20b", "/a b"),
        ("/%41%42c", "/ABc"),
        ("/caf%C3%A9", "/café"),
        ("/café", "/café"),
        // Dot-segments, literal and encoded, never climb above "/".
        ("/../etc/passwd", "/etc/passwd"),
        ("/../../../../etc/passwd", "/etc/passwd"),
        ("/%2e%2e/etc/passwd", "/etc/passwd"),
        ("/%2E%2E/%2e%2e/etc/passwd", "/etc/passwd"),
        ("/a/%2e./b", "/b"),
        ("/a/.%2e/b", "/b"),
        ("/a/%2e%2e", "/"),
        ("/a/b/..", "/a/"),
        ("/a/b/.", "/a/b/"),
        ("/a/./b", "/a/b"),
        ("/./", "/"),
        ("/..", "/"),
        ("/a/..", "/"),
        ("/a/../..", "/"),
        ("/static/../../secret", "/secret"),
        // Double slashes collapse (a leading "//" could otherwise be read as an authority).
        ("//", "/"),
        ("//etc//passwd", "/etc/passwd"),
        ("/a//../b", "/b"),
        // Dots that are not whole segments are names.
        ("/a.", "/a."),
        ("/a..", "/a.."),
        ("/...", "/..."),
        ("/a/.../b", "/a/.../b"),
        ("/.hidden", "/.hidden"),
        ("/file.txt.", "/file.txt."),
        // Backslashes are plain bytes on Linux, encoded or not: "..\" is a name, not a parent.
        ("/..\\etc\\passwd", "/..\\etc\\passwd"),
        ("/%2e%2e%5cetc", "/..\\etc"),
        // Decoded once: %25 is "%", which then stays.
        ("/%252e%252e/x", "/%2e%2e/x"),
        ("/100%25", "/100%"),
        ("/a+b", "/a+b"),
        ("/a;b=c", "/a;b=c"),
    ])
    func normalises(raw: String, expected: String) throws {
        let path = try RequestPath.normalize(raw)
        #expect(path.string == expected)
        #expect(path.bytes == Array(expected.utf8))
        #expect(RequestPath.normalized(Array(raw.utf8))?.string == expected)
        // Idempotent on its own output once re-encoded.
        let again = try RequestPath.normalize(PercentEncoding.encodePath(path.bytes))
        #expect(again == path)
    }

    /// (as sent, status, refusal)
    @Test(arguments: [
        ("/a%00b", 400, PathRefusal.controlCharacter(offset: 2)),
        ("/%00", 400, .controlCharacter(offset: 1)),
        ("/a%0ab", 400, .controlCharacter(offset: 2)),
        ("/a%7F", 400, .controlCharacter(offset: 2)),
        ("/a\u{01}b", 400, .controlCharacter(offset: 2)),
        ("/a%", 400, .invalidEscape(offset: 2)),
        ("/a%4", 400, .invalidEscape(offset: 2)),
        ("/a%4/", 400, .invalidEscape(offset: 2)),
        ("/a%zz", 400, .invalidEscape(offset: 2)),
        ("/a%g0", 400, .invalidEscape(offset: 2)),
        ("/%%32%65", 400, .invalidEscape(offset: 1)),
        ("/%C0%AE%C0%AE/etc", 400, .invalidUTF8),  // overlong "." (the old IIS trick)
        ("/%C0%AF", 400, .invalidUTF8),  // overlong "/"
        ("/%E0%80%AF", 400, .invalidUTF8),
        ("/%FF", 400, .invalidUTF8),
        ("/%ED%A0%80", 400, .invalidUTF8),  // surrogate
        ("/%F4%90%80%80", 400, .invalidUTF8),  // above U+10FFFF
        ("/%C3", 400, .invalidUTF8),  // truncated
        ("/..%2f", 404, .encodedSlash(offset: 3)),
        ("/..%2F..%2Fetc/passwd", 404, .encodedSlash(offset: 3)),
        ("/a%2fb", 404, .encodedSlash(offset: 2)),
        ("", 400, .notAbsolute),
        ("a/b", 400, .notAbsolute),
        ("*", 400, .notAbsolute),
        ("%2F", 400, .notAbsolute),
    ])
    func refuses(raw: String, status: Int, refusal: PathRefusal) {
        #expect(throws: refusal) { try RequestPath.normalize(raw) }
        #expect(refusal.status == status)
        #expect(RequestPath.normalized(Array(raw.utf8)) == nil)
    }

    /// (as sent, normalised keeping %2F)
    @Test(
        arguments: [
            ("/a%2fb", "/a%2Fb", 2),
            ("/proxy/a%20b%2Fc", "/proxy/a b%2Fc", 12),
            ("/..%2f", "/..%2F", 3),  // one segment named "..%2F", not a parent
            ("/x/..%2F../y", "/x/..%2F../y", 5),  // "..%2F.." is one segment
            ("/public%2F..%2Fadmin", "/public%2F..%2Fadmin", 7),
            ("/plain", "/plain", nil),
        ] as [(String, String, Int?)])
    func keepsEncodedSlashesForConditions(raw: String, expected: String, offset: Int?) throws {
        let path = try RequestPath.normalize(raw, encodedSlash: .keepEncoded)
        #expect(path.string == expected)
        #expect(path.encodedSlashOffset == offset)
        #expect(RequestPath.normalized(Array(raw.utf8), encodedSlash: .keepEncoded) == path)
        // Control characters and bad escapes are refused either way.
        #expect(throws: PathRefusal.controlCharacter(offset: 1)) {
            try RequestPath.normalize("/%00%2F", encodedSlash: .keepEncoded)
        }
    }

    @Test func trailingSlash() throws {
        #expect(try RequestPath.normalize("/a/").hasTrailingSlash)
        #expect(try RequestPath.normalize("/a/..").hasTrailingSlash)
        #expect(try !RequestPath.normalize("/a").hasTrailingSlash)
    }

    @Test func worksOnNonContiguousCollections() throws {
        let raw = "/a/%2e%2e/b%20c".utf8.lazy.map { $0 }
        #expect(try RequestPath.normalize(raw).string == "/b c")
    }

    @Test func percentEncodingKeepsOnlyUnreservedAndSlash() {
        let encoded = PercentEncoding.encodePath(Array("/a b/<x>&'\"%:?#é~._-".utf8))
        #expect(String(decoding: encoded, as: UTF8.self) == "/a%20b/%3Cx%3E%26%27%22%25%3A%3F%23%C3%A9~._-")
    }
}
