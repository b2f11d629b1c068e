import Testing

@testable import SluiceCore

/// Golden values: if one of these changes, every `hash` and `sticky` deployment moves its keys on upgrade.
@Suite struct StableHashTests {
    @Test(arguments: [
        ("", 0x357c_d75d_bee3_0124 as UInt64),
        ("a", 0x8a89_efd2_0eeb_2319),
        ("foobar", 0x2ab3_a2c9_d079_30b1),
        ("0123456789abcdef-tail", 0x69d0_715e_547e_72a2),  // two whole words and a tail
    ])
    func fieldHashesArePinned(text: String, expected: UInt64) {
        #expect(StableHash.hash(text) == expected)
        #expect(StableHash.hash(Array(text.utf8)) == expected)
    }

    @Test func finaliserIsSplitMix64() {
        // splitmix64 seeded with 0: the first output is mix(0x9e3779b97f4a7c15).
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xe220_a839_7b1d_cdaf)
        #expect(StableHash.mix(0) == 0)
    }

    @Test func requestKeysArePinned() {
        let request = BalancingRequest(host: "example.com", target: "/a/b?x=1")
        #expect(request.hostAndPathHash == 0xd66d_0df6_257b_044b)
        #expect(ClientAddressKey(ipv4: 0x7f00_0001).stableHash == 0xfb95_77b1_25ae_59c3)
        #expect(Backend(name: "127.0.0.1:3001", index: 0).rendezvousSeed == 0x6053_ef55_7d77_455d)
    }

    @Test func rendezvousAssignmentsArePinned() {
        let group = BackendGroup(names: (1...5).map { "127.0.0.1:300\($0)" }, balancer: .urlHash)
        let winners = (0..<12).map { key in
            group.choose(for: BalancingRequest(host: "example.com", target: "/page/\(key)"[...]), now: 0)!.index
        }
        #expect(winners == [0, 4, 3, 3, 2, 0, 1, 3, 3, 4, 2, 4])
    }

    @Test func scanningForTheQueryEqualsHashingThePrefix() {
        // Every length and every position of the terminator, across the word boundary.
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789/-_.".utf8)
        for length in 0...27 {
            let path = (0..<length).map { alphabet[($0 * 7) % alphabet.count] }
            let reference = path.withUnsafeBytes { StableHash.absorb(StableHash.seed, $0) }
            for terminator in [UInt8(ascii: "?"), UInt8(ascii: "#")] {
                for suffix in [[terminator], [terminator, 120, 61, 49], [terminator] + path] {
                    let target = path + suffix
                    let scanned = target.withUnsafeBytes {
                        StableHash.absorb(StableHash.seed, $0, upTo: (UInt8(ascii: "?"), UInt8(ascii: "#")))
                    }
                    #expect(scanned == reference, "length \(length)")
                }
            }
            let whole = path.withUnsafeBytes {
                StableHash.absorb(StableHash.seed, $0, upTo: (UInt8(ascii: "?"), UInt8(ascii: "#")))
            }
            #expect(whole == reference)
        }
    }

    @Test func fieldsAreUnambiguous() {
        let split1 = BalancingRequest(host: "ab", target: "c").hostAndPathHash
        let split2 = BalancingRequest(host: "a", target: "bc").hostAndPathHash
        #expect(split1 != split2)
        #expect(StableHash.hash("a") != StableHash.hash("a\0"))
        #expect(StableHash.hash("") != StableHash.hash("\0"))
    }

    @Test func smallAndLargeStringsHashAlike() {
        // "example.com" is stored inline (small string), the longer host on the heap; both paths must agree with
        // the byte-array form.
        for host in ["example.com", "a-much-longer-host-name.example.com"] {
            let fromString = BalancingRequest(host: host[...], target: "/x").hostAndPathHash
            var state = Array(host.utf8).withUnsafeBytes { StableHash.absorb(StableHash.seed, $0) }
            state = Array("/x".utf8).withUnsafeBytes { StableHash.absorb(state, $0) }
            #expect(fromString == StableHash.finish(state))
        }
    }
}
