import Testing
import SluiceCore

@Suite struct CompiledRegexTests {
    struct CompileFailure: Sendable, CustomStringConvertible {
        let pattern: String
        let offset: Int
        let messageFragment: String
        var description: String { pattern }
    }

    // Offsets are where PCRE2 stops reading: after the last byte for a missing ")", at the range's end for "z-a".
    static let compileFailures: [CompileFailure] = [
        CompileFailure(pattern: "^/(a", offset: 4, messageFragment: "missing closing parenthesis"),
        CompileFailure(pattern: "[z-a]", offset: 3, messageFragment: "range out of order"),
        CompileFailure(pattern: "/x/é(", offset: 6, messageFragment: "missing closing parenthesis"),
        CompileFailure(pattern: "a)", offset: 1, messageFragment: "unmatched closing parenthesis"),
        CompileFailure(pattern: "*a", offset: 0, messageFragment: "quantifier does not follow"),
        CompileFailure(pattern: "a\\", offset: 2, messageFragment: "\\ at end of pattern"),
    ]

    @Test(arguments: compileFailures)
    func compileErrorCarriesPCREOffsetAndMessage(_ failure: CompileFailure) {
        #expect {
            _ = try CompiledRegex(failure.pattern)
        } throws: { error in
            guard let error = error as? RegexError else { return false }
            return error.offset == failure.offset && error.message.contains(failure.messageFragment)
        }
    }

    @Test func reportsPatternAndCaptureCount() throws {
        let regex = try CompiledRegex("^/api/v([0-9]+)/(?:x|y)/([a-z]+)")
        #expect(regex.pattern == "^/api/v([0-9]+)/(?:x|y)/([a-z]+)")
        #expect(regex.captureCount == 2)
    }

    @Test func searchesUnanchoredUnlessThePatternAnchors() throws {
        #expect(try CompiledRegex("b+").firstMatch(in: "aabbbc")?.range == 2..<5)
        #expect(try CompiledRegex("^b+").firstMatch(in: "aabbbc") == nil)
        #expect(try CompiledRegex("c$").firstMatch(in: "aabbbc")?.range == 5..<6)
    }

    @Test func caseInsensitiveOnlyWhenAsked() throws {
        #expect(try CompiledRegex("^/API/").firstMatch(in: "/api/x") == nil)
        #expect(try CompiledRegex("^/API/", caseInsensitive: true).firstMatch(in: "/api/x")?.range == 0..<5)
    }

    @Test func unsetGroupsAreNil() throws {
        let regex = try CompiledRegex("^/(?:(a)|(b))(c)?$")
        let match = try #require(regex.firstMatch(in: "/b"))
        #expect(match.count == 3)  // highest set group (2) + 1; group 3 is past it
        #expect(match[group: 0] == 0..<2)
        #expect(match[group: 1] == nil)
        #expect(match[group: 2] == 1..<2)
        #expect(match[group: 3] == nil)
        #expect(match[group: 9] == nil)
        #expect(match[group: -1] == nil)
    }

    @Test func emptyGroupIsSetButEmpty() throws {
        let match = try #require(try CompiledRegex("^/x(.*)$").firstMatch(in: "/x"))
        #expect(match[group: 1] == 2..<2)
    }

    @Test func matchesRawBytesIncludingInvalidUTF8() throws {
        let regex = try CompiledRegex("^/(.+)$")
        let subject: [UInt8] = [0x2F, 0xFF, 0xFE, 0x80]
        let match = try #require(regex.firstMatch(in: subject))
        #expect(match[group: 1] == 1..<4)
        // Byte mode: `.` is one byte, so "é" (C3 A9) is two of them.
        #expect(try CompiledRegex("^/(..)$").firstMatch(in: "/é")?[group: 1] == 1..<3)
        #expect(try CompiledRegex("^/caf(é)$").firstMatch(in: "/café")?[group: 1] == 4..<6)
        #expect(try CompiledRegex("^/\\xff").firstMatch(in: subject)?.range == 0..<2)
    }

    @Test func emptySubject() throws {
        #expect(try CompiledRegex("^$").firstMatch(in: "")?.range == 0..<0)
        #expect(try CompiledRegex("a").firstMatch(in: "") == nil)
        #expect(try CompiledRegex("^(x?)$").firstMatch(in: [UInt8]())?[group: 1] == 0..<0)
        let none = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        #expect(try CompiledRegex("^$").firstMatch(in: none)?.range == 0..<0)
    }

    @Test func groupsBeyondNineAreDroppedSafely() throws {
        let letters = "abcdefghijklmnopqrstuvwxy"  // 25 groups: more than a RegexMatch holds
        let pattern = letters.map { "(\($0))" }.joined()
        let match = try #require(try CompiledRegex(pattern).firstMatch(in: "-" + letters))
        #expect(match.count == RegexMatch.maxGroups)
        #expect(match.range == 1..<26)
        #expect(match[group: 9] == 9..<10)  // "i"
        #expect(match[group: 10] == nil)
        #expect(match[group: 24] == nil)
    }

    @Test func matchStaysSmallEnoughToCopyInline() {
        // Every match returns one; past 128 bytes copies become memcpy calls (measured ~70 ns per request).
        #expect(MemoryLayout<RegexMatch>.size <= 88)
        #expect(MemoryLayout<Captures>.size == MemoryLayout<Int>.size)
    }

    @Test func moreGroupsThanTheMatchDataHoldsStillMatch() throws {
        // 40 groups exceed the 32 pairs of the per-thread match data: PCRE2 returns 0 and fills what fits.
        let pattern = String(repeating: "(x)", count: 40)
        let match = try #require(try CompiledRegex(pattern).firstMatch(in: String(repeating: "x", count: 41)))
        #expect(match.count == RegexMatch.maxGroups)
        #expect(match.range == 0..<40)
        #expect(match[group: 9] == 8..<9)
    }

    @Test func stringArrayAndSliceSubjectsAgree() throws {
        let regex = try CompiledRegex("/(b+)")
        let bytes = Array("xx/abbb/bbz".utf8)
        #expect(regex.firstMatch(in: "xx/abbb/bbz")?[group: 1] == 8..<10)
        #expect(regex.firstMatch(in: bytes)?[group: 1] == 8..<10)
        // Slice offsets are relative to the slice's first byte.
        #expect(regex.firstMatch(in: bytes[5...])?[group: 1] == 3..<5)
        #expect(Array("/b".utf8).withUnsafeBufferPointer { regex.matches($0) })
        #expect(!Array("/a".utf8).withUnsafeBufferPointer { regex.matches($0) })
    }

    @Test func matchFailureIsAnErrorNotANonMatch() throws {
        // Catastrophic backtracking under a tiny inline match limit: PCRE2 gives up with an error.
        let regex = try CompiledRegex("(*LIMIT_MATCH=50)^(a+)+$")
        let subject = String(repeating: "a", count: 24) + "b"
        #expect(throws: RegexMatchError.self) { try regex.match(in: subject) }
        #expect(regex.firstMatch(in: subject) == nil)
        #expect(try regex.match(in: "aaa")?.range == 0..<3)
    }
}
