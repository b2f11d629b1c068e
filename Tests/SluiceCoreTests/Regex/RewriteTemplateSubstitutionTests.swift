import Testing
import SluiceCore

/// Table-driven checks of the substitution language against lighttpd 1.4's keyvalue.c / burl.c behaviour.
@Suite struct RewriteTemplateSubstitutionTests {
    struct Vector: Sendable, CustomStringConvertible {
        let target: String
        let pattern: String
        let template: String
        let expected: String
        var description: String { "\(template) on \(target)" }
        init(_ target: String, _ pattern: String, _ template: String, _ expected: String) {
            (self.target, self.pattern, self.template, self.expected) = (target, pattern, template, expected)
        }
    }

    static let sigils: [Vector] = [
        Vector("/a", "^/(a)", "/$$1", "/$1"),
        Vector("/a", "^/(a)", "/%%1", "/%1"),
        Vector("/a", "^/(a)", "/$a/%a/$1", "/$a/%a/a"),
        Vector("/a", "^/(a)", "/x$", "/x$"),
        Vector("/a", "^/(a)", "/x%", "/x%"),
        Vector("/a", "^/(a)", "/$%1", "/$%1"),  // the pair is literal, so `%1` is not a reference
        Vector("/a", "^/(a)", "/$$$1", "/$a"),
        Vector("/a", "^/(a)", "/$12", "/a2"),  // unbraced references take one digit
        Vector("/a", "^/(a)", "/%20$1", "/0a"),  // %2 is a condition reference (empty here), then "0"
        Vector("/a", "^/(a)", "/$0$0", "//a/a"),
        Vector("/a", "^/(a)", "$", "$"),
    ]

    static let groups: [Vector] = [
        Vector("/b", "^/(?:(a)|(b))", "/[$1][$2][${1}][${2}]", "/[][b][][b]"),
        Vector("/b", "^/(b)", "/[$9][${9}][${09}]", "/[][][]"),
        Vector("/abcdefghijkl", "^/(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)", "/$9${9}-$10-${01}", "/ii-a0-a"),
        Vector("/x", "^/x(.*)$", "/[$1]", "/[]"),
    ]

    // One capture, "a b%20c/D%41%2f" (a space, valid escapes of " " / "A" / "/", a slash), through every modifier.
    static let modifiers: [Vector] = [
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "$1", "a b%20c/D%41%2f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${1}", "a%20b%20c/DA%2f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${escpsnde:1}", "a%20b%20c/DA%2f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${escnde:1}", "a%20b%20c%2FDA%2f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${esc:1}", "a%20b%2520c%2FD%2541%252f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${escape:1}", "a%20b%2520c%2FD%2541%252f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${noesc:1}", "a b%20c/D%41%2f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${noescape:1}", "a b%20c/D%41%2f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${tolower:1}", "a b%20c/d%41%2f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${toupper:1}", "A B%20C/D%41%2f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${tolower:esc:1}", "a%20b%2520c%2Fd%2541%252f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${toupper:escnde:1}", "A%20B%20C%2FDA%2f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${toupper:tolower:1}", "a b%20c/d%41%2f"),
        // Several encodings: noesc beats esc beats escnde beats escpsnde (burl_append's order).
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${esc:noesc:1}", "a b%20c/D%41%2f"),
        Vector("/x/a b%20c/D%41%2f", "^/x/(.*)$", "${escpsnde:esc:1}", "a%20b%2520c%2FD%2541%252f"),
        Vector("/x/a%2", "^/x/(.*)$", "${1}", "a%252"),  // an incomplete escape is encoded
        Vector("/x/%zz", "^/x/(.*)$", "${escnde:1}", "%25zz"),
        Vector("/x/~-._!*'()", "^/x/(.*)$", "${1}", "~-._%21%2A%27%28%29"),
    ]

    static let base64: [Vector] = [
        Vector("/b/hello?", "^/b/(.*)$", "/${encb64u:1}", "/aGVsbG8_"),
        Vector("/b/ab", "^/b/(.*)$", "/${encb64u:1}", "/YWI"),
        Vector("/b/a", "^/b/(.*)$", "/${encb64u:1}", "/YQ"),
        Vector("/b/", "^/b/(.*)$", "/${encb64u:1}", "/"),
        Vector("/b/aGVsbG8_", "^/b/(.*)$", "/${decb64u:1}", "/hello?"),
        Vector("/b/aGVsbG8", "^/b/(.*)$", "/${decb64u:1}", "/hello"),  // unpadded tail
        Vector("/b/YWI=", "^/b/(.*)$", "/${decb64u:1}", "/ab"),  // stops at the padding
        Vector("/b/aGVs!bG8", "^/b/(.*)$", "/${decb64u:1}", "/hel"),  // stops at a byte outside the alphabet
        Vector("/b/aGV sbG8", "^/b/(.*)$", "/${decb64u:1}", "/hello"),  // whitespace is skipped
        Vector("/b/aGVsb", "^/b/(.*)$", "/${decb64u:1}", "/"),  // a lone trailing symbol voids the value
        Vector("/b/aGVsbG8_", "^/b/(.*)$", "/${escnde:decb64u:1}", "/aGVsbG8_"),  // escnde wins: no decoding
    ]

    static let nonASCII: [Vector] = [
        Vector("/x/é ü", "^/x/(.*)$", "/$1", "/é ü"),
        Vector("/x/é ü", "^/x/(.*)$", "/${1}", "/%C3%A9%20%C3%BC"),
        Vector("/x/é ü", "^/x/(.*)$", "/${esc:1}", "/%C3%A9%20%C3%BC"),
        Vector("/x/é", "^/x/(.*)$", "/${encb64u:1}", "/w6k"),
        Vector("/x/É", "^/x/(.*)$", "/${tolower:1}", "/É"),  // ASCII-only case change leaves UTF-8 bytes alone
        Vector("/é/x", "^/é/(.*)$", "/ü/$1", "/ü/x"),
    ]

    @Test(arguments: sigils + groups + modifiers + base64 + nonASCII)
    func substitutes(_ vector: Vector) throws {
        #expect(try rewrite(vector.target, vector.pattern, vector.template) == vector.expected)
    }

    @Test func conditionReferencesUseTheConditionCaptures() throws {
        let condition = try #require(try CompiledRegex("^(W W)\\.(example)\\.com$").captures(in: "W W.example.com"))
        #expect(try rewrite("/p", "^/(p)", "/%1/%{1}/%{tolower:1}/%2/%{noesc:0}/%3/%{9}", condition: condition)
            == "/W W/W%20W/w w/example/W W.example.com//")
    }

    @Test func conditionCapturesCanComeFromAnUnsetGroup() throws {
        let condition = try #require(try CompiledRegex("^(?:(a)|(b))$").captures(in: "b"))
        #expect(try rewrite("/p", "^/p", "/[%1][%2][%{1}]", condition: condition) == "/[][b][]")
    }
}
