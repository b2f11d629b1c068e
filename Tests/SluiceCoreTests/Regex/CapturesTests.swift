import Testing
import SluiceCore

@Suite struct CapturesTests {
    @Test func keepsTheGroupsOfAConditionMatch() throws {
        let captures = try #require(try CompiledRegex("^(www)\\.example\\.com$").captures(in: "www.example.com"))
        #expect(captures.count == 2)
        #expect(captures[group: 0].map(Array.init) == Array("www.example.com".utf8))
        #expect(captures[group: 1].map(Array.init) == Array("www".utf8))
        #expect(captures[group: 2] == nil)
    }

    @Test func keepsGroupsOutsideTheWholeMatch() throws {
        // A lookahead capture extends past group 0; the copy must cover it.
        let captures = try #require(try CompiledRegex("a(?=(bc))").captures(in: "xabc"))
        #expect(captures[group: 0].map(Array.init) == Array("a".utf8))
        #expect(captures[group: 1].map(Array.init) == Array("bc".utf8))
    }

    @Test func unsetGroupsStayUnset() throws {
        let captures = try #require(try CompiledRegex("^(?:(a)|(b))$").captures(in: "b"))
        #expect(captures[group: 1] == nil)
        #expect(captures[group: 2].map(Array.init) == Array("b".utf8))
    }

    @Test func outlivesTheSubject() throws {
        let regex = try CompiledRegex("^([^.]+)\\.")
        var subject = Array("shop.example.com".utf8)
        let captures = try #require(subject.withUnsafeBufferPointer { regex.captures(in: $0) })
        subject.replaceSubrange(0..<4, with: Array("xxxx".utf8))  // the original bytes are gone
        #expect(captures[group: 1].map(Array.init) == Array("shop".utf8))
        #expect(captures[group: 0].map(Array.init) == Array("shop.".utf8))
    }

    @Test func equalWhenTheSameBytesAndGroups() throws {
        let regex = try CompiledRegex("^(a+)(b)?")
        let first = try #require(regex.captures(in: "xaab".dropFirst().description))
        let second = try #require(regex.captures(in: "aab"))
        let other = try #require(regex.captures(in: "aa"))
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(first != other)
    }
}
