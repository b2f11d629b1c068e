import Testing

@testable import SluiceCore

@Suite struct ForwardedRequestHeadersTests {
    static let peer = PeerAddress(IPAddress("192.0.2.10"))

    func build(
        _ pairs: [(String, String)], method: String = "GET", body: RequestBodyFraming = .none, tunnel: Bool = false,
        peer: PeerAddress = peer, scheme: String = "http", host: String? = "front.example", prefix: String = "",
        options: ForwardedRequestHeaders.Options = .init()
    ) -> [String] {
        let context = ForwardingContext(peer: peer, scheme: scheme, host: host, prefix: bytes(prefix))
        return lines(ForwardedRequestHeaders.build(
            fields(pairs), method: method, body: body, tunnel: tunnel, context: context, options: options))
    }

    @Test func plainRequestKeepsFieldsInOrderAndAddsForwardingHeaders() {
        let result = build([("Host", "front.example"), ("User-Agent", "curl/8"), ("accept", "*/*"),
                            ("Cookie", "a=1"), ("Cookie", "b=2")])
        #expect(result == [
            "Host: front.example", "User-Agent: curl/8", "accept: */*", "Cookie: a=1", "Cookie: b=2",
            "X-Forwarded-For: 192.0.2.10", "X-Forwarded-Host: front.example", "X-Forwarded-Proto: http",
        ])
    }

    @Test func hopByHopAndUnsafeFieldsAreRemoved() {
        let result = build([
            ("Host", "front.example"), ("Connection", "keep-alive, X-Secret"), ("Keep-Alive", "timeout=5"),
            ("X-Secret", "s"), ("x-secret", "t"), ("Proxy-Connection", "keep-alive"), ("TE", "gzip"),
            ("Trailer", "X-Checksum"), ("Upgrade", "h2c"), ("Transfer-Encoding", "chunked"),
            ("Content-Length", "010"), ("Proxy", "http://evil.example"), ("Expect", "100-continue"),
            ("Set-Cookie", "a=b"), ("X-Kept", "yes"),
        ], method: "POST", body: .length(10))
        #expect(result == [
            "Host: front.example", "X-Kept: yes", "X-Forwarded-For: 192.0.2.10",
            "X-Forwarded-Host: front.example", "X-Forwarded-Proto: http", "Content-Length: 10",
        ])
    }

    @Test func forwardedForAppendsThePeerToEveryIncomingValue() {
        let result = build([("X-Forwarded-For", "198.51.100.1"), ("Accept", "*/*"),
                            ("x-forwarded-for", "198.51.100.2, 198.51.100.3"), ("X-Forwarded-For", " ")])
        #expect(result.contains("X-Forwarded-For: 198.51.100.1, 198.51.100.2, 198.51.100.3, 192.0.2.10"))
        #expect(result.filter { $0.lowercased().hasPrefix("x-forwarded-for") }.count == 1)
    }

    @Test func sluiceOwnsHostProtoAndPrefix() {
        let spoofed: [(String, String)] = [("X-Forwarded-Host", "evil"), ("X-Forwarded-Proto", "https"),
                                           ("X-Forwarded-Prefix", "/evil")]
        let withPrefix = build(spoofed, scheme: "https", prefix: "/app")
        #expect(withPrefix == [
            "Host: front.example", "X-Forwarded-For: 192.0.2.10", "X-Forwarded-Host: front.example",
            "X-Forwarded-Proto: https", "X-Forwarded-Prefix: /app",
        ])
        let noPrefix = build(spoofed)
        #expect(!noPrefix.contains { $0.hasPrefix("X-Forwarded-Prefix") })
    }

    @Test func missingHostIsSentEmptyAndNotForwarded() {
        let result = build([("Accept", "*/*")], host: nil)
        #expect(result.first == "Host: ")
        #expect(!result.contains { $0.hasPrefix("X-Forwarded-Host") })
    }

    @Test func theEffectiveHostReplacesTheHeader() {
        // An absolute-form target names the Host (RFC 9112 §3.2.2): the context carries it.
        let result = build([("Host", "other.example")], host: "named.example")
        #expect(result.first == "Host: named.example")
        #expect(result.filter { $0.hasPrefix("Host:") }.count == 1)
    }

    @Test(arguments: [
        ("GET", RequestBodyFraming.none, nil),
        ("HEAD", .none, nil),
        ("DELETE", .none, nil),
        ("POST", .none, "Content-Length: 0"),
        ("PUT", .none, "Content-Length: 0"),
        ("PATCH", .none, "Content-Length: 0"),
        ("POST", .length(42), "Content-Length: 42"),
        ("GET", .length(0), "Content-Length: 0"),
        ("POST", .chunked, "Transfer-Encoding: chunked"),
    ] as [(String, RequestBodyFraming, String?)])
    func framingIsSluicesOwn(_ c: (String, RequestBodyFraming, String?)) {
        let result = build([("Content-Length", "7"), ("Transfer-Encoding", "gzip, chunked")], method: c.0, body: c.1)
        let framing = result.filter { $0.hasPrefix("Content-Length") || $0.hasPrefix("Transfer-Encoding") }
        #expect(framing == (c.2.map { [$0] } ?? []))
    }

    @Test func trailersAreAcceptedOnlyAsTrailers() {
        let result = build([("TE", "trailers, deflate;q=0.5"), ("Connection", "TE")])
        #expect(Array(result.suffix(2)) == ["TE: trailers", "Connection: te"])
        let other = build([("TE", "gzip")])
        #expect(!other.contains { $0.hasPrefix("TE") || $0.hasPrefix("Connection") })
    }

    @Test func websocketTunnelKeepsUpgrade() {
        let client: [(String, String)] = [
            ("Host", "front.example"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13"),
        ]
        #expect(ForwardedRequestHeaders.isWebSocketUpgrade(method: "GET", isHTTP11OrLater: true, headers: fields(client)))
        let result = build(client, tunnel: true)
        #expect(result == [
            "Host: front.example", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
            "X-Forwarded-For: 192.0.2.10", "X-Forwarded-Host: front.example", "X-Forwarded-Proto: http",
            "Upgrade: websocket", "Connection: upgrade",
        ])
        let withTrailers = build(client + [("TE", "trailers")], tunnel: true)
        #expect(withTrailers.last == "Connection: te, upgrade")
    }

    @Test(arguments: [
        ("GET", true, [("Upgrade", "websocket"), ("Connection", "upgrade")], true),
        ("GET", true, [("upgrade", "WebSocket"), ("connection", "keep-alive, Upgrade")], true),
        ("GET", true, [("Upgrade", "h2c"), ("Connection", "Upgrade, HTTP2-Settings")], false),
        ("GET", true, [("Upgrade", "h2c, websocket"), ("Connection", "upgrade")], true),
        ("GET", true, [("Upgrade", "websocket")], false),
        ("GET", false, [("Upgrade", "websocket"), ("Connection", "upgrade")], false),
        ("POST", true, [("Upgrade", "websocket"), ("Connection", "upgrade")], false),
        ("GET", true, [("Upgrade", "websocketx"), ("Connection", "upgrade")], false),
    ] as [(String, Bool, [(String, String)], Bool)])
    func websocketUpgradeDetection(_ c: (String, Bool, [(String, String)], Bool)) {
        #expect(ForwardedRequestHeaders.isWebSocketUpgrade(method: c.0, isHTTP11OrLater: c.1, headers: fields(c.2)) == c.3)
    }

    @Test func connectionCannotRemoveSluicesOwnFields() {
        let result = build([("X-Forwarded-For", "198.51.100.1"), ("Connection", "X-Forwarded-For, Host")])
        #expect(result.contains("X-Forwarded-For: 192.0.2.10"))
        #expect(result.first == "Host: front.example")
    }

    @Test func forwardedElement() {
        let options = ForwardedRequestHeaders.Options(forwarded: [.for, .proto, .host])
        let v4 = build([], scheme: "https", options: options)
        #expect(v4.contains(#"Forwarded: for=192.0.2.10;proto=https;host="front.example""#))
        let v6 = build([], peer: PeerAddress(IPAddress("2001:db8::1")), options: options)
        #expect(v6.contains(#"Forwarded: for="[2001:db8::1]";proto=http;host="front.example""#))
        #expect(v6.contains("X-Forwarded-For: 2001:db8::1"))
        let unix = build([], peer: .unknown, options: ForwardedRequestHeaders.Options(forwarded: [.for]))
        #expect(unix.contains("Forwarded: for=unknown"))
    }

    @Test func forwardedByAndRemoteUser() {
        let context = ForwardingContext(
            peer: PeerAddress(IPAddress("192.0.2.10")), local: PeerAddress(IPAddress("::1"), port: 8080),
            host: "h\"x", remoteUser: "alice")
        let result = lines(ForwardedRequestHeaders.build(
            fields([]), method: "GET", body: .none, tunnel: false, context: context,
            options: .init(forwarded: [.for, .by, .proto, .host, .remoteUser])))
        #expect(result.contains(#"Forwarded: for=192.0.2.10;by="[::1]:8080";proto=http;host="h\"x";remote_user="alice""#))
    }

    @Test func forwardedIsAppendedOrSeededFromXFF() {
        let options = ForwardedRequestHeaders.Options(forwarded: [.for])
        let appended = build([("Forwarded", "for=198.51.100.1"), ("forwarded", "for=\"[2001:db8::2]\"")],
                             options: options)
        #expect(appended.contains(#"Forwarded: for=198.51.100.1, for="[2001:db8::2]", for=192.0.2.10"#))
        let seeded = build([("X-Forwarded-For", "198.51.100.1, 2001:db8::2")], options: options)
        #expect(seeded.contains(#"Forwarded: for="198.51.100.1", for="[2001:db8::2]", for=192.0.2.10"#))
        let untouched = build([("Forwarded", "for=198.51.100.1")])
        #expect(untouched.contains("Forwarded: for=198.51.100.1"))
    }

    @Test func rewriteRequestRules() throws {
        let options = ForwardedRequestHeaders.Options(rewrites: [
            try headerRewrite("x-app", [("^a(.*)", "b$1"), ("^c(.*)", "d$1")]),
            try headerRewrite("Cookie", [("^tracking=.*", "")]),
            try headerRewrite("Host", [("^front\\.example$", "internal.example")]),
            try headerRewrite("Content-Length", [(".*", "999")]),
            try headerRewrite("X-Inject", [(".*", "x\r\nEvil: 1")]),
            try headerRewrite("X-Forwarded-Proto", [("^http$", "https")]),
        ])
        let result = build([("Host", "front.example"), ("X-App", "a1"), ("X-App", "c2"), ("X-App", "zz"),
                            ("Cookie", "tracking=1"), ("Cookie", "session=2"), ("X-Inject", "v")],
                           method: "POST", body: .length(3), options: options)
        #expect(result == [
            "Host: internal.example", "X-App: b1", "X-App: d2", "X-App: zz", "Cookie: session=2", "X-Inject: v",
            "X-Forwarded-For: 192.0.2.10", "X-Forwarded-Host: front.example", "X-Forwarded-Proto: https",
            "Content-Length: 3",
        ])
    }

    @Test func rewriteRulesSeeTheirCondition() throws {
        let condition = try #require(try CompiledRegex("^(www)\\.").captures(in: "www.example.com"))
        let options = ForwardedRequestHeaders.Options(
            rewrites: [try headerRewrite("X-Site", [("(.*)", "%1-$1-${url.path}")])],
            rewriteContext: RewriteContext(condition: condition, target: bytes("/p?q")))
        #expect(build([("X-Site", "v")], options: options).contains("X-Site: www-v-/p"))
    }
}
