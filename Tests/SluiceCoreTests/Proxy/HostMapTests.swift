import Testing

@testable import SluiceCore

/// lighttpd 1.4's `map-host-request` / `map-host-response`, and what the reverse map does with them.
@Suite struct HostMapTests {
    static func entries(_ pairs: [(String, String)]) -> [HostMapEntry] {
        pairs.map { HostMapEntry(key: $0.0, value: $0.1) }
    }

    @Test(arguments: [
        // (entries, client Host, Host sent, replaced)
        ([("front.example", "int:8080")], "FRONT.example", "int:8080", true),
        ([("-", "int:8080")], "anything.example", "int:8080", true),
        ([("other", "x"), ("-", "-")], "front.example", "front.example", false),
        ([("front.example", ""), ("-", "int")], "front.example", "front.example", false),
        ([("a.example", "int")], "front.example", "front.example", false),
    ])
    func requestHost(_ pairs: [(String, String)], _ client: String, _ sent: String, _ replaced: Bool) {
        let result = HostMap.requestHost(Self.entries(pairs), clientHost: client)
        #expect(result.host == sent)
        #expect(result.replaced == replaced)
    }

    @Test func noClientHostMatchesNothing() {
        #expect(HostMap.requestHost(Self.entries([("-", "int")]), clientHost: nil) == (nil, false))
    }

    @Test func responseMappingsResolveTheDashes() {
        let entries = Self.entries([("-", "-"), ("int.example", "www.example"), ("stop.example", "")])
        #expect(HostMap.responseMappings(entries, clientHost: "front.example", replacedRequestHost: "int:8080") == [
            HostMapping(from: "int:8080", to: "front.example"), HostMapping(from: "int.example", to: "www.example"),
            HostMapping(from: "stop.example", to: "stop.example"),
        ])
        // Key "-" needs a replaced request Host, value "-" a client Host.
        #expect(HostMap.responseMappings(entries, clientHost: nil, replacedRequestHost: nil) == [
            HostMapping(from: "int.example", to: "www.example"), HostMapping(from: "stop.example", to: "stop.example"),
        ])
    }

    /// lighttpd: a response key "-" is the Host sent, which is the client's own when the request map left it.
    @Test func aDashKeyIsTheClientsHostWhenTheRequestMapDidNotReplaceIt() {
        let entries = Self.entries([("-", "www.example")])
        #expect(HostMap.responseMappings(entries, clientHost: "example", replacedRequestHost: nil) == [
            HostMapping(from: "example", to: "www.example"),
        ])
        // A "-" value with no client Host leaves that key's URLs alone and ends the search.
        let dashValue = Self.entries([("a.example", "-"), ("a.example", "b.example")])
        #expect(HostMap.responseMappings(dashValue, clientHost: nil, replacedRequestHost: nil) == [
            HostMapping(from: "a.example", to: "a.example"), HostMapping(from: "a.example", to: "b.example"),
        ])
    }

    static func mapper(httpsRemap: Bool = false, scheme: String = "http") -> ReverseMapper {
        ReverseMapper(
            mapping: PathMapping(clientPrefix: bytes("/app"), backendPrefix: []), clientScheme: scheme,
            clientHost: "front.example", backend: BackendAuthority(hosts: ["127.0.0.1"], port: 3001),
            sentHost: "app.internal:8080",
            hostMappings: [
                HostMapping(from: "int.example:8080", to: "front.example"), HostMapping(from: "keep.example", to: "keep.example"),
            ],
            httpsRemap: httpsRemap)
    }

    @Test(arguments: [
        ("http://INT.example:8080/welcome?x=1", "http://front.example/app/welcome?x=1"),
        ("//int.example:8080/w", "//front.example/app/w"),
        ("https://int.example:8080/w", "https://front.example/app/w"),
        ("http://keep.example/w", "http://keep.example/app/w"),
        // The Host the backend was sent is its own authority too.
        ("http://app.internal:8080/w", "http://front.example/app/w"),
        ("http://int.example/w", nil),
        ("http://elsewhere.example/w", nil),
    ] as [(String, String?)])
    func locations(_ location: String, _ expected: String?) {
        #expect(Self.mapper().mapLocation(location) == expected)
    }

    @Test func httpsRemapGivesHTTPSClientsHTTPSURLs() {
        #expect(Self.mapper(httpsRemap: true, scheme: "https").mapLocation("http://int.example:8080/w") == "https://front.example/app/w")
        #expect(Self.mapper(httpsRemap: true, scheme: "http").mapLocation("http://int.example:8080/w") == "http://front.example/app/w")
        #expect(Self.mapper(httpsRemap: false, scheme: "https").mapLocation("http://int.example:8080/w") == "http://front.example/app/w")
        // A key mapped to itself ("" in the config) keeps its scheme too.
        #expect(Self.mapper(httpsRemap: true, scheme: "https").mapLocation("http://keep.example/w") == "http://keep.example/app/w")
    }

    @Test func cookieDomainsAreMappedWithoutPorts() {
        let mapper = Self.mapper()
        #expect(mapper.mapSetCookie("a=1; Domain=.int.example; Path=/") == "a=1; Domain=.front.example; Path=/app/")
        #expect(mapper.mapSetCookie("a=1; domain=INT.example") == "a=1; domain=front.example")
        #expect(mapper.mapSetCookie("a=1; Domain=keep.example") == nil)
        #expect(mapper.mapSetCookie("a=1; Domain=other.example") == nil)
        // Without a path mapping, domains are still mapped.
        var identity = mapper
        identity.mapping = PathMapping()
        #expect(identity.mapSetCookie("a=1; Domain=int.example; Path=/x") == "a=1; Domain=front.example; Path=/x")
    }
}
