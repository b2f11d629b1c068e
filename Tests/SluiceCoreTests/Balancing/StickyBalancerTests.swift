import Testing

@testable import SluiceCore

@Suite struct StickyBalancerTests {
    private func client(_ address: UInt32) -> BalancingRequest {
        BalancingRequest(target: "/anything", clientAddress: ClientAddressKey(ipv4: address))
    }

    @Test func sameClientSameBackendWhateverTheURL() {
        let group = BackendGroup.lettered(5, .sticky)
        let home = group.choose(for: client(0xc0a8_0001), now: 0)
        for target in ["/", "/a", "/b?c"] {
            let request = BalancingRequest(target: target[...], clientAddress: ClientAddressKey(ipv4: 0xc0a8_0001))
            #expect(group.choose(for: request, now: 0) === home)
        }
    }

    @Test func clientsSpread() {
        let group = BackendGroup.lettered(4, .sticky)
        var counts = [Int](repeating: 0, count: 4)
        for address in 0..<8_000 { counts[group.choose(for: client(0x0a00_0000 + UInt32(address)), now: 0)!.index] += 1 }
        for count in counts { #expect((1_800...2_200).contains(count)) }
    }

    @Test func addressBytesAndIntegerFormAgree() {
        #expect(ClientAddressKey(bytes: [127, 0, 0, 1]) == ClientAddressKey(ipv4: 0x7f00_0001))
        #expect(ClientAddressKey(bytes: [127, 0, 0, 1]).stableHash == ClientAddressKey(ipv4: 0x7f00_0001).stableHash)
        // An IPv6 address starting with the same bytes is a different client.
        let v6 = ClientAddressKey(bytes: [127, 0, 0, 1] + [UInt8](repeating: 0, count: 12))
        #expect(v6.stableHash != ClientAddressKey(ipv4: 0x7f00_0001).stableHash)
        let loopback6 = ClientAddressKey(bytes: [UInt8](repeating: 0, count: 15) + [1])
        #expect(loopback6.stableHash != ClientAddressKey.unknown.stableHash)
    }
}
