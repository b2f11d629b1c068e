import Testing

@testable import SluiceCore

@Suite struct ReverseMapperTests {
    static let backend3001 = BackendAuthority(hosts: ["127.0.0.1"], port: 3001)

    static func mapper(
        client: String = "/app", backend: String = "", scheme: String = "http", host: String? = "front.example",
        authority: BackendAuthority? = backend3001
    ) -> ReverseMapper {
        ReverseMapper(mapping: PathMapping(clientPrefix: bytes(client), backendPrefix: bytes(backend)),
                      clientScheme: scheme, clientHost: host, backend: authority)
    }

    /// (name, mapper, Location, expected or nil = unchanged)
    static let locations: [(String, ReverseMapper, String, String?)] = [
        ("SPEC: backend URL under /app", mapper(), "http://127.0.0.1:3001/welcome", "http://front.example/app/welcome"),
        ("scheme case, query and fragment kept", mapper(), "HTTP://127.0.0.1:3001/a%20b?x=1#f",
         "http://front.example/app/a%20b?x=1#f"),
        ("another port is another host", mapper(), "http://127.0.0.1:3002/x", nil),
        ("no port means 80", mapper(), "http://127.0.0.1/x", nil),
        ("path-absolute gets the prefix", mapper(), "/login", "/app/login"),
        ("relative left alone", mapper(), "login", nil),
        ("dot-relative left alone", mapper(), "../x", nil),
        ("query-only left alone", mapper(), "?page=2", nil),
        ("other host left alone", mapper(), "http://other.example/x", nil),
        ("userinfo left alone", mapper(), "http://user@127.0.0.1:3001/x", nil),
        ("client Host gets the prefix", mapper(), "http://front.example/login", "http://front.example/app/login"),
        ("client Host with another scheme is another origin", mapper(), "https://front.example/login", nil),
        ("scheme-relative backend URL", mapper(), "//127.0.0.1:3001/x", "http://front.example/app/x"),
        ("backend root without a path", mapper(), "http://127.0.0.1:3001", "http://front.example/app/"),
        ("canonical: host remapped with an empty prefix", mapper(client: ""), "http://127.0.0.1:3001/welcome",
         "http://front.example/welcome"),
        ("canonical: path-absolute unchanged", mapper(client: ""), "/login", nil),
        ("canonical: client Host unchanged", mapper(client: ""), "http://front.example/login", nil),
        ("canonical: backend root", mapper(client: ""), "http://127.0.0.1:3001?x", "http://front.example/?x"),
        ("https client with a port", mapper(scheme: "https", host: "front.example:8443"),
         "http://127.0.0.1:3001/welcome", "https://front.example:8443/app/welcome"),
        ("no client Host: path only", mapper(host: nil), "http://127.0.0.1:3001/x", "/app/x"),
        ("backend prefix replaced", mapper(backend: "/v2"), "/v2/x", "/app/x"),
        ("outside the backend prefix", mapper(backend: "/v2"), "/other", nil),
        ("outside the backend prefix, backend host", mapper(backend: "/v2"), "http://127.0.0.1:3001/other",
         "http://front.example/other"),
        ("port 80 backend, implied", mapper(authority: BackendAuthority(hosts: ["127.0.0.1"], port: 80)),
         "http://127.0.0.1/x", "http://front.example/app/x"),
        ("port 80 backend, explicit", mapper(authority: BackendAuthority(hosts: ["127.0.0.1"], port: 80)),
         "http://127.0.0.1:80/x", "http://front.example/app/x"),
        ("port 80 backend, https is 443", mapper(authority: BackendAuthority(hosts: ["127.0.0.1"], port: 80)),
         "https://127.0.0.1/x", nil),
        ("IPv6 backend", mapper(authority: BackendAuthority(hosts: ["[::1]"], port: 3001)),
         "http://[::1]:3001/x", "http://front.example/app/x"),
        ("unix backend: only paths and the client Host", mapper(authority: nil), "http://127.0.0.1:3001/x", nil),
    ]

    @Test(arguments: locations.indices)
    func location(_ index: Int) {
        let (name, mapper, value, expected) = Self.locations[index]
        #expect(mapper.mapLocation(value) == expected, "\(name)")
    }

    @Test func backendAuthorityFromAResolvedName() throws {
        let named = ResolvedBackend(label: "localhost:3001 (127.0.0.1:3001)",
                                    address: .ip(try #require(IPAddress("127.0.0.1")), port: 3001))
        let authority = try #require(BackendAuthority(named))
        #expect(authority.hosts.map(text) == ["127.0.0.1", "localhost"])
        let mapper = ReverseMapper(mapping: PathMapping(), clientScheme: "http", clientHost: "front.example",
                                   backend: authority)
        #expect(mapper.mapLocation("http://LocalHost:3001/x") == "http://front.example/x")
        let v6 = ResolvedBackend(label: "[::1]:3001", address: .ip(try #require(IPAddress("::1")), port: 3001))
        #expect(BackendAuthority(v6)?.hosts.map(text) == ["[::1]"])
        #expect(BackendAuthority(ResolvedBackend(label: "unix:/s", address: .unix(path: "/s"))) == nil)
    }

    @Test(arguments: [
        ("a=b; Path=/", "a=b; Path=/app/"),
        ("a=b; path=/x; HttpOnly", "a=b; path=/app/x; HttpOnly"),
        ("a=b;PATH=/x", "a=b;PATH=/app/x"),
        ("a=b; Path = /x ; Secure", "a=b; Path = /app/x ; Secure"),
        ("a=b; Path=\"/x\"", "a=b; Path=\"/app/x\""),
        ("a=b; Path=/x; Path=/y", "a=b; Path=/app/x; Path=/app/y"),
        ("a=b; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Path=/", "a=b; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Path=/app/"),
        ("a=b", nil),
        ("a=b; Domain=example.com", nil),
        ("path=/x; Secure", nil),
        ("a=b; Path=relative", nil),
        ("a=b; Paths=/x", nil),
    ] as [(String, String?)])
    func setCookie(_ c: (String, String?)) {
        #expect(Self.mapper().mapSetCookie(c.0) == c.1)
    }

    @Test func setCookieWithABackendPrefixOrNone() {
        #expect(Self.mapper(backend: "/v2").mapSetCookie("a=b; Path=/v2/x") == "a=b; Path=/app/x")
        #expect(Self.mapper(backend: "/v2").mapSetCookie("a=b; Path=/other") == nil)
        #expect(Self.mapper(client: "").mapSetCookie("a=b; Path=/") == nil)
    }
}

@Suite struct ProxiedResponseHeadersTests {
    static let mapper = ReverseMapper(
        mapping: PathMapping(clientPrefix: bytes("/app")), clientScheme: "http", clientHost: "front.example",
        backend: BackendAuthority(hosts: ["127.0.0.1"], port: 3001))

    @Test func hygieneAndReverseMap() {
        let backend: [(String, String)] = [
            ("Content-Type", "text/html"), ("Connection", "keep-alive, X-Internal, Content-Length"),
            ("Keep-Alive", "timeout=5"), ("Transfer-Encoding", "chunked"), ("X-Internal", "1"), ("Trailer", "X-Sum"),
            ("Upgrade", "h2c"), ("Proxy-Connection", "close"), ("TE", "trailers"), ("Content-Length", "12"),
            ("Location", "http://127.0.0.1:3001/welcome"), ("Content-Location", "/doc"),
            ("Set-Cookie", "a=1; Path=/"), ("set-cookie", "b=2; Path=/x; HttpOnly"), ("Set-Cookie", "c=3"),
        ]
        let result = lines(ProxiedResponseHeaders.build(fields(backend), tunnel: false, reverseMapper: Self.mapper))
        #expect(result == [
            "Content-Type: text/html", "Content-Length: 12", "Location: http://front.example/app/welcome",
            "Content-Location: /app/doc", "Set-Cookie: a=1; Path=/app/", "set-cookie: b=2; Path=/app/x; HttpOnly",
            "Set-Cookie: c=3",
        ])
    }

    @Test func reverseMapOff() {
        let backend: [(String, String)] = [("Location", "/login"), ("Set-Cookie", "a=1; Path=/")]
        let result = lines(ProxiedResponseHeaders.build(fields(backend), tunnel: false, reverseMapper: nil))
        #expect(result == ["Location: /login", "Set-Cookie: a=1; Path=/"])
    }

    @Test func tunnelKeepsTheUpgradeHandshake() {
        let backend: [(String, String)] = [
            ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Connection", "upgrade"),
            ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), ("Keep-Alive", "x"),
        ]
        let result = lines(ProxiedResponseHeaders.build(fields(backend), tunnel: true, reverseMapper: nil))
        #expect(result == [
            "Upgrade: websocket", "Connection: upgrade", "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        ])
        let plain = lines(ProxiedResponseHeaders.build(fields(backend), tunnel: false, reverseMapper: nil))
        #expect(plain == ["Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="])
    }

    /// The mapper is made for the first field it works on and only then; the rewrite context only with rules.
    @Test(arguments: [
        ([("Content-Type", "text/html"), ("Content-Length", "3")], 0, false),
        ([("Location", "/a"), ("Set-Cookie", "a=1; Path=/"), ("Content-Location", "/b")], 1, false),
        ([("Set-Cookie", "a=1; Path=/")], 1, true),
    ])
    func mapperAndContextAreMadeOnlyWhenNeeded(_ backend: [(String, String)], _ mappers: Int, _ rules: Bool) throws {
        var made = 0, contexts = 0
        let rewrites = rules ? [try headerRewrite("X-None", [(".*", "x")])] : []
        let result = ProxiedResponseHeaders.build(
            fields(backend), tunnel: false,
            makeReverseMapper: {
                made += 1
                return Self.mapper
            },
            rewrites: rewrites,
            makeRewriteContext: {
                contexts += 1
                return RewriteContext()
            })
        #expect(made == mappers)
        #expect(contexts == (rules ? 1 : 0))
        #expect(lines(result) == lines(ProxiedResponseHeaders.build(fields(backend), tunnel: false, reverseMapper: Self.mapper)))
    }

    @Test func rewriteResponseRulesRunAfterTheReverseMap() throws {
        let rewrites = [
            try headerRewrite("Server", [(".*", "")]),
            try headerRewrite("Location", [("^http://front\\.example(.*)", "https://front.example$1")]),
            try headerRewrite("Transfer-Encoding", [(".*", "identity")]),
        ]
        let backend: [(String, String)] = [
            ("Server", "Werkzeug/3.0"), ("Location", "http://127.0.0.1:3001/x"), ("Transfer-Encoding", "chunked"),
        ]
        let result = lines(ProxiedResponseHeaders.build(
            fields(backend), tunnel: false, reverseMapper: Self.mapper, rewrites: rewrites))
        #expect(result == ["Location: https://front.example/app/x"])
    }
}
