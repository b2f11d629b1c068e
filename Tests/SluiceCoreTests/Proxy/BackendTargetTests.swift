import LighttpdConfig
import Testing

@testable import SluiceCore

/// `_uri` rules → backend target, and the client prefix derived from it.
@Suite struct BackendTargetTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The target as the client sent it.
        var client: String
        /// The target after the rewrite stage (nil: the same as `client`).
        var rewritten: String? = nil
        var rules: [(String, String)]
        var expect: String
        var clientPrefix = ""
        var backendPrefix = ""
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "canonical: /proxy is stripped, prefix empty", client: "/app/a%20b?x=1",
             rewritten: "/proxy/app/a%20b?x=1", rules: [("^/proxy(.*)", "$1")], expect: "/app/a%20b?x=1"),
        Case(name: "canonical: root", client: "/", rewritten: "/proxy/", rules: [("^/proxy(.*)", "$1")], expect: "/"),
        Case(name: "canonical: a client path that is itself /proxy", client: "/proxy", rewritten: "/proxy/proxy",
             rules: [("^/proxy(.*)", "$1")], expect: "/proxy"),
        Case(name: "SPEC: /app becomes /", client: "/app", rules: [("^/app(.*)", "$1")], expect: "/",
             clientPrefix: "/app"),
        Case(name: "SPEC: /app?x=1 becomes /?x=1", client: "/app?x=1", rules: [("^/app(.*)", "$1")], expect: "/?x=1",
             clientPrefix: "/app"),
        Case(name: "prefix strip keeps the rest", client: "/app/x/y?z=1", rules: [("^/app(.*)", "$1")],
             expect: "/x/y?z=1", clientPrefix: "/app"),
        Case(name: "trailing slash stripped to /", client: "/app/", rules: [("^/app(.*)", "$1")], expect: "/",
             clientPrefix: "/app"),
        Case(name: "encoding is never decoded or re-encoded", client: "/a%20b%2Fc?q=%26",
             rewritten: "/proxy/a%20b%2Fc?q=%26", rules: [("^/proxy(.*)", "$1")], expect: "/a%20b%2Fc?q=%26"),
        Case(name: "no rule matches: unchanged", client: "/other", rules: [("^/app(.*)", "$1")], expect: "/other"),
        Case(name: "no rules: unchanged", client: "/x?y", rules: [], expect: "/x?y"),
        Case(name: "first matching rule wins", client: "/b/x",
             rules: [("^/a(.*)", "/first$1"), ("^/b(.*)", "/second$1"), ("^/(.*)", "/third/$1")], expect: "/second/x",
             clientPrefix: "/b", backendPrefix: "/second"),
        Case(name: "prefix replaced", client: "/app/x", rules: [("^/app/(.*)", "/v2/$1")], expect: "/v2/x",
             clientPrefix: "/app", backendPrefix: "/v2"),
        Case(name: "prefix added", client: "/x", rules: [("(.*)", "/v2$1")], expect: "/v2/x", backendPrefix: "/v2"),
        Case(name: "rewrite stage and _uri combined", client: "/old/page", rewritten: "/proxy/new/page",
             rules: [("^/proxy(.*)", "$1")], expect: "/new/page", clientPrefix: "/old", backendPrefix: "/new"),
        Case(name: "whole path replaced", client: "/app/foo", rules: [("^/app/foo$", "/bar")], expect: "/bar",
             clientPrefix: "/app/foo", backendPrefix: "/bar"),
        Case(name: "absolute-form client target", client: "http://example.com/app/x", rewritten: "/app/x",
             rules: [("^/app(.*)", "$1")], expect: "/x", clientPrefix: "/app"),
    ]

    @Test(arguments: cases)
    func resolve(_ c: Case) throws {
        let rules = try c.rules.enumerated().map { try proxyRule($1.0, $1.1, number: $0 + 1) }
        let result = try BackendTarget.resolve(
            clientTarget: bytes(c.client), target: bytes(c.rewritten ?? c.client), rules: rules,
            context: RewriteContext())
        #expect(text(result.target) == c.expect)
        #expect(text(result.mapping.clientPrefix) == c.clientPrefix)
        #expect(text(result.mapping.backendPrefix) == c.backendPrefix)
        #expect(result.forwardedPrefix == result.mapping.clientPrefix)
        let anyMatches = rules.contains { $0.regex.firstMatch(in: bytes(c.rewritten ?? c.client)) != nil }
        #expect((result.rule != nil) == anyMatches)
    }

    @Test func aResultThatIsNoPathIsAnError() throws {
        #expect(throws: BackendTargetError.notOriginForm(bytes("s"))) {
            try BackendTarget.resolve(
                clientTarget: bytes("/apps"), target: bytes("/apps"), rules: [try proxyRule("^/app(.*)", "$1")],
                context: RewriteContext())
        }
        #expect(BackendTargetError.notOriginForm(bytes("s")).status == 500)
    }

    @Test func theMatchedRuleIsReported() throws {
        let rules = [try proxyRule("^/a(.*)", "$1", number: 1), try proxyRule("^/b(.*)", "$1", number: 2)]
        let result = try BackendTarget.resolve(
            clientTarget: bytes("/b/x"), target: bytes("/b/x"), rules: rules, context: RewriteContext())
        #expect(result.rule?.number == 2)
    }

    /// The whole path: config → rewrite stage → `_uri` with `%1` from the enclosing condition.
    @Test func throughTheRouter() throws {
        let config = proxyTestModules + """
            url.rewrite-once = ( "^/static/.*" => "", "(.*)" => "/proxy$1" )
            $HTTP["url"] =~ "^/proxy/(v[0-9])/" {
              proxy-core.backends = ( "127.0.0.1:3001" )
              proxy-core.rewrite-request = ( "_uri" => ( "^/proxy/v[0-9](.*)" => "/api/%1$1" ) )
            }
            else $HTTP["url"] =^ "/proxy" {
              proxy-core.backends = ( "127.0.0.1:3001" )
              proxy-core.rewrite-request = ( "_uri" => ( "^/proxy(.*)" => "$1" ) )
            }
            """
        let loaded = SiteLoader.load(text: config, file: "t.conf", resolveNames: false)
        #expect(loaded.isValid, "\(loaded.diagnostics.sorted)")
        let router = RequestRouter(site: loaded.site)
        func backend(_ target: String) throws -> BackendTarget {
            let routed = router.route(
                RequestFacts(method: "GET", target: bytes(target), host: "example.com"), headers: HeaderList())
            return try BackendTarget.resolve(routed, site: loaded.site)
        }
        let canonical = try backend("/app/a%20b?x=1")
        #expect(text(canonical.target) == "/app/a%20b?x=1")
        #expect(canonical.forwardedPrefix.isEmpty)
        let versioned = try backend("/v2/users?id=1")
        #expect(text(versioned.target) == "/api/v2/users?id=1")
        // The backend's `/api/v2/users` is the client's `/v2/users`: only `/api` is the backend's own.
        #expect(versioned.forwardedPrefix.isEmpty)
        #expect(text(versioned.mapping.backendPrefix) == "/api")
    }
}

/// Backend path → client path through a derived mapping.
@Suite struct PathMappingTests {
    @Test(arguments: [
        // (clientPrefix, backendPrefix, backend path, expected client path or nil)
        ("/app", "", "/login", "/app/login"),
        ("/app", "", "/", "/app/"),
        ("/app", "", "/a%20b?x=1#f", "/app/a%20b?x=1#f"),
        ("/app", "/v2", "/v2/login", "/app/login"),
        ("/app", "/v2", "/v2", "/app/"),
        ("/app", "/v2", "/v2?x", "/app/?x"),
        ("/app", "/v2", "/v2x", nil),
        ("/app", "/v2", "/other", nil),
        ("", "/v2", "/v2/login", "/login"),
        ("", "", "/login", "/login"),
        ("/app", "", "login", nil),
    ] as [(String, String, String, String?)])
    func clientPath(_ c: (String, String, String, String?)) {
        let mapping = PathMapping(clientPrefix: bytes(c.0), backendPrefix: bytes(c.1))
        #expect(mapping.clientPath(forBackendPath: bytes(c.2)).map(text) == c.3)
    }

    @Test(arguments: [
        ("/x", "/x", "", ""),
        ("/app/x", "/x", "/app", ""),
        ("/app", "/", "/app", ""),
        ("/app/", "/", "/app", ""),
        ("/app", "/v2/", "/app", "/v2"),
        ("/app/", "/v2", "/app", "/v2"),
        ("/app/ab", "/xb", "/app/ab", "/xb"),
        ("/a/b/c", "/c", "/a/b", ""),
        ("/", "/", "", ""),
    ])
    func derive(_ c: (String, String, String, String)) {
        let mapping = PathMapping(clientPath: bytes(c.0), backendPath: bytes(c.1))
        #expect(text(mapping.clientPrefix) == c.2)
        #expect(text(mapping.backendPrefix) == c.3)
    }

    @Test(arguments: [
        ("/a?b", "/a"), ("http://h:80/p/q?x", "/p/q"), ("http://h", "/"), ("http://h?x", "/"), ("", "/"),
    ])
    func pathOfTarget(_ c: (String, String)) {
        #expect(text(Array(PathMapping.path(ofTarget: bytes(c.0)))) == c.1)
    }
}
