import Testing
import SluiceCore

@Suite struct RewriteTemplateURLPartTests {
    @Test(arguments: [
        ("/x?a=b", "/new${qsa}", "/new?a=b"),
        ("/x?a=b", "/new?c=d${qsa}", "/new?c=d&a=b"),
        ("/x", "/new${qsa}", "/new"),  // no "?" at all: nothing
        ("/x?", "/new${qsa}", "/new?"),  // an empty but present query still adds the "?"
        ("/x?", "/new?c=d${qsa}", "/new?c=d"),  // ... and no "&"
        ("/x?a=%20b", "/new${qsa}", "/new?a=%20b"),  // raw
        ("/x?a=%20b c", "/new${esc:qsa}", "/new?a%3D%2520b%20c"),
        ("/x?a=1", "/${url.query}|${url.path}", "/a=1|/x"),
        ("/x", "/[${url.query}]", "/[]"),
        ("/a%20b?q", "${url.path}", "/a%20b"),
        ("/a%20b?q", "${esc:url.path}", "%2Fa%2520b"),
    ])
    func queryAndPath(_ target: String, _ template: String, _ expected: String) throws {
        #expect(try rewrite(target, "^/", template) == expected)
    }

    @Test(arguments: [
        ("example.com:8080", "${url.scheme}://${url.authority}/${url.authority.noport}/${url.port}",
         "https://example.com:8080/example.com/8443"),
        ("[::1]:8080", "${url.authority.noport}", "[::1]"),
        ("[::1]", "${url.authority.noport}", "[::1]"),
        ("example.com", "${url.authority.noport}", "example.com"),
        ("Example.COM:80", "${tolower:url.authority.noport}", "example.com"),
        ("", "[${url.authority}]", "[]"),
    ])
    func schemeAuthorityAndPort(_ authority: String, _ template: String, _ expected: String) throws {
        #expect(try rewrite("/", "^/", template, scheme: "https", authority: authority, port: 8443) == expected)
    }

    @Test(arguments: [(UInt16(0), "0"), (7, "7"), (80, "80"), (65535, "65535"), (10000, "10000")])
    func portIsDecimal(_ port: UInt16, _ expected: String) throws {
        #expect(try rewrite("/", "^/", "${url.port}", port: port) == expected)
    }

    @Test func renderAppendsToAReusedBuffer() throws {
        let regex = try CompiledRegex("^/([^?]*)")
        let template = try RewriteTemplate("/p/$1${qsa}")
        var output = Array("prefix?".utf8)  // an earlier "?" outside this render must not turn "?" into "&"
        let target = "/a?q=1"
        let match = try #require(regex.firstMatch(in: target))
        RewriteInput.with(subject: target, match: match, target: target) { template.render($0, into: &output) }
        #expect(String(decoding: output, as: UTF8.self) == "prefix?/p/a?q=1")
    }

    @Test func subjectNeedNotBeTheTarget() throws {
        // proxy-core.rewrite-request on a header: $n reads the header, URL parts the request.
        let regex = try CompiledRegex("^(\\w+)=(\\w+)$")
        let template = try RewriteTemplate("$2=$1; path=${url.path}")
        let header = "session=abc"
        let match = try #require(regex.firstMatch(in: header))
        let output = RewriteInput.with(subject: header, match: match, target: "/app/x?y") { template.render($0) }
        #expect(String(decoding: output, as: UTF8.self) == "abc=session; path=/app/x")
    }
}
