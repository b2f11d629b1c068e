import Testing

@testable import SluiceCore

/// Golden values: if one of these changes, every `hash` and `sticky` deployment moves its keys on upgrade.
@Suite struct StableHashTests {
    @Test(arguments: [
        // Published FNV-1a 64-bit test vectors (Fowler, Noll, Vo).
        ("", 0xcbf2_9ce4_8422_2325 as UInt64),
        ("a", 0xaf63_dc4c_8601_ec8c),
        ("foobar", 0x8594_4171_f739_67e8),
    ])
    func fnv1aMatchesThePublishedVectors(text: String, expected: UInt64) {
        #expect(StableHash.fnv1a(text.utf8) == expected)
    }

    @Test func finaliserIsSplitMix64() {
        // splitmix64 seeded with 0: the first output is mix(0x9e3779b97f4a7c15).
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xe220_a839_7b1d_cdaf)
        #expect(StableHash.mix(0) == 0)
    }

    @Test func requestKeysArePinned() {
        let request = BalancingRequest(host: "example.com", target: "/a/b?x=1")
        #expect(request.hostAndPathHash == 0xe375_5b6d_a0b8_4aea)
        #expect(ClientAddressKey(ipv4: 0x7f00_0001).stableHash == 0xb810_e4fe_0606_3556)
        #expect(Backend(name: "127.0.0.1:3001", index: 0).rendezvousSeed == 0x3e03_46b3_bc42_6d70)
    }

    @Test func rendezvousAssignmentsArePinned() {
        let group = BackendGroup(names: (1...5).map { "127.0.0.1:300\($0)" }, balancer: .urlHash)
        let winners = (0..<12).map { key in
            group.choose(for: BalancingRequest(host: "example.com", target: "/page/\(key)"[...]), now: 0)!.index
        }
        #expect(winners == [2, 4, 0, 2, 2, 4, 1, 2, 0, 1, 3, 0])
    }
}
