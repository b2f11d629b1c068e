import LighttpdConfig
import Testing
@testable import SluiceCore

/// The options a site resolves once per set of blocks must be what resolving for the request gives, for sites
/// small enough to list every set and for those that fall back to resolving per request.
@Suite struct ResolvedOptionsTableTests {
    static func site(_ text: String) -> Site {
        let loaded = SiteLoader.load(
            text: #"server.modules = ( "mod_rewrite", "mod_proxy_core", "mod_proxy_backend_http" )"# + "\n" + text,
            file: "t.conf", resolveNames: false)
        #expect(loaded.isValid, "\(loaded.diagnostics.sorted)")
        return loaded.site
    }

    static func route(_ site: Site, _ target: String, host: String = "example.com") -> RoutedRequest {
        RequestRouter(site: site).route(
            RequestFacts(method: "GET", target: Array(target.utf8), host: host), headers: HeaderList())
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test(arguments: [0, 1, 5, 63, 64, 65, 127, 128, 200])
    func blockSetHoldsEachIndex(_ index: Int) {
        var set = BlockSet()
        #expect(!set[index])
        set[index] = true
        #expect(set[index])
        #expect(!set[index == 0 ? 1 : index - 1])
        #expect((set.word != nil) == (index < 64))
        set[index] = false
        #expect(!set[index])
        #expect(set.word == 0)
        #expect(BlockSet([true, false, true]) == { var s = BlockSet(); s[0] = true; s[2] = true; return s }())
    }

    static let chain = """
        $HTTP["host"] == "a.example" { proxy-core.read-timeout = 11 }
        else $HTTP["host"] == "b.example" {
          proxy-core.read-timeout = 12
          $HTTP["url"] =^ "/x" { proxy-core.read-timeout = 13 }
        }
        else $HTTP["host"] =~ "^c" { proxy-core.read-timeout = 14 }
        else { proxy-core.read-timeout = 15 }
        """

    @Test func reachableSetsFollowChainsAndNesting() throws {
        let site = Self.site(Self.chain)
        let sets = try #require(site.tree.reachableActiveSets(limit: 100))
        let blocks = site.config.blocks
        func word(_ indices: [Int]) -> UInt64 { indices.reduce(0) { $0 | 1 << UInt64($1) } }
        // Global block 0; the chain a (1), b (2) with its nested url (3), c (4), else (5).
        #expect(blocks.count == 6)
        #expect(blocks[3].parent == 2 && blocks[5].previousBranch == 4)
        #expect(Set(sets) == [word([0, 1]), word([0, 2]), word([0, 2, 3]), word([0, 4]), word([0, 5])])
        #expect(site.tree.reachableActiveSets(limit: 4) == nil)
    }

    @Test(arguments: [
        ("a.example", "/x", 11), ("b.example", "/y", 12), ("b.example", "/x/1", 13), ("c.example", "/x", 14),
        ("d.example", "/x", 15),
    ])
    func listedOptionsAreTheResolvedOnes(_ host: String, _ target: String, _ timeout: Int) throws {
        let site = Self.site(Self.chain)
        let routed = Self.route(site, target, host: host)
        #expect(routed.options.proxy.readTimeout == timeout)
        let listed = try #require(site.listedOptions(for: routed.active))
        #expect(listed === routed.options)
        #expect(ResolvedOptions(site: site, active: routed.active).proxy.readTimeout == timeout)
    }

    /// More than 64 blocks: no table; a block past 63 still applies, its rules and options included.
    @Test func siteWithMoreThan64BlocksResolvesPerRequest() {
        let blocks = (0..<70).map {
            #"$HTTP["url"] =^ "/p\#($0)/" { url.rewrite-once = ( "^/p\#($0)/(.*)" => "/done\#($0)/$1" ) }"#
        }
        let proxy = #"$HTTP["url"] =^ "/done69/" {\#n  proxy-core.backends = ( "127.0.0.1:3001" )\#n  proxy-core.read-timeout = 69\#n}"#
        let site = Self.site((blocks + [proxy]).joined(separator: "\n"))
        let late = Self.route(site, "/p69/x?q=1")
        #expect(Self.text(late.facts.target) == "/done69/x?q=1")
        #expect(late.options.proxy.readTimeout == 69 && late.options.proxy.routeKey == ProxyRouteKey(block: 71))
        #expect(site.listedOptions(for: late.active) == nil)
        let early = Self.route(site, "/p3/y")
        #expect(Self.text(early.facts.target) == "/done3/y")
        #expect(early.options.proxy.backends == nil && early.options.proxy.readTimeout == 60)
    }

    /// Eleven independent conditions allow 2048 sets, more than the table lists: resolved per request, the same.
    @Test func siteWithTooManySetsResolvesPerRequest() {
        let blocks = (0..<11).map { #"$HTTP["url"] =~ "\#($0)" { proxy-core.read-timeout = \#(100 + $0) }"# }
        let site = Self.site(blocks.joined(separator: "\n"))
        #expect(site.tree.reachableActiveSets(limit: ResolvedOptionsTable.limit) == nil)
        let routed = Self.route(site, "/3-7")
        #expect(routed.options.proxy.readTimeout == 107)
        #expect(site.listedOptions(for: routed.active) == nil)
        #expect(site.resolvedOptions(for: routed.active).proxy.readTimeout == 107)
    }

    @Test(arguments: [
        ("/a/b", "/a/b", true), ("/a/b?x=1", "/a/b", false), ("/a%20b", "/a b", false), ("/a/../b", "/b", false),
        ("/a//b", "/a/b", false), ("/", "/", true),
    ])
    func conditionPathOfAWholeTarget(_ target: String, _ expected: String, _ shared: Bool) throws {
        let bytes = Array(target.utf8)
        let path = try #require(ConditionPath.decode(target: bytes))
        #expect(Self.text(path) == expected)
        // A plain target without a query is its own path: the same storage, no copy.
        let same = path.withUnsafeBufferPointer { p in bytes.withUnsafeBufferPointer { p.baseAddress == $0.baseAddress } }
        #expect(same == shared)
    }

    @Test(arguments: ["a/b", "/a%zz", "/a%00", "/a\u{1}b?x"])
    func conditionPathRejectsWhatDecodeRejects(_ target: String) {
        #expect(ConditionPath.decode(target: Array(target.utf8)) == nil)
        #expect(ConditionPath.decode(Array(target.utf8).prefix { $0 != UInt8(ascii: "?") }) == nil)
    }
}
