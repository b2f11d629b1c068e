import Testing
import SluiceCore

/// The vectors of lighttpd1.4 src/t/test_keyvalue.c (converted there from tests/mod-redirect.t and
/// tests/mod-rewrite.t): four rules, first match wins, inside `$HTTP["host"] =~ "^(www).example.com$"`.
@Suite struct RewriteTemplateLighttpdVectorTests {
    static let vectors: [(target: String, expected: String)] = [
        ("/foo", "/foo/"),
        ("/foo?a=b", "/foo/?a=b"),
        ("/bar?a=b", "/?bar&a=b"),
        ("/nofile?a=b", "/?file=/nofile&a=b"),
        ("/redirect?a=b", "/?seg=www&a=b"),
    ]

    @Test(arguments: vectors)
    func keyvalueProcess(_ target: String, _ expected: String) throws {
        let rules = try RuleList([
            ("^/foo($|\\?.+)", "/foo/$1"),
            ("^/bar(?:$|\\?(.+))", "/?bar&$1"),
            ("^/redirect(?:\\?(.*))?$", "/?seg=%1&$1"),
            ("^(/[^?]*)(?:\\?(.*))?$", "/?file=$1&$2"),
        ])
        let condition = try #require(try CompiledRegex("^(www).example.com$").captures(in: "www.example.com"))
        #expect(rules.rewrite(target, condition: condition) == expected)
    }

    @Test func conditionCaptureIsEmptyWithoutACondition() throws {
        #expect(try rewrite("/redirect?a=b", "^/redirect(?:\\?(.*))?$", "/?seg=%1&$1") == "/?seg=&a=b")
    }

    @Test func blankTemplateIsThePassthroughMarker() throws {
        #expect(try RewriteTemplate("").isBlank)
        #expect(try !RewriteTemplate("$0").isBlank)
        #expect(try rewrite("/static/x", "^/static/.*", "") == "")
    }
}
