import Testing
@testable import SluiceCore

@Suite struct ExtForwardTests {
    let policy = ExtForwardPolicy(trustsEveryone: false, trusted: [CIDRBlock("10.0.0.0/8")!, CIDRBlock("::1")!])

    private func client(_ peer: String, _ headers: [(String, String)], _ policy: ExtForwardPolicy? = nil) -> String? {
        (policy ?? self.policy).clientAddress(
            peer: IPAddress(peer), headers: HeaderList(headers.map { (name: $0.0, value: $0.1) }))?.description
    }

    @Test func onlyTrustedPeersAreBelieved() {
        #expect(client("10.1.2.3", [("X-Forwarded-For", "203.0.113.9")]) == "203.0.113.9")
        #expect(client("192.0.2.1", [("X-Forwarded-For", "203.0.113.9")]) == nil)
        #expect(client("10.1.2.3", []) == nil)
    }

    @Test func theChainIsReadRightToLeftPastTrustedProxies() {
        // A forged first entry is ignored: the client is the last untrusted address.
        #expect(client("10.0.0.1", [("X-Forwarded-For", "6.6.6.6, 203.0.113.9, 10.0.0.2")]) == "203.0.113.9")
        // Everything trusted: the left-most address.
        #expect(client("10.0.0.1", [("X-Forwarded-For", "10.0.0.3, 10.0.0.2")]) == "10.0.0.3")
        // Garbage stops the walk at what was read.
        #expect(client("10.0.0.1", [("X-Forwarded-For", "nonsense, 10.0.0.2")]) == "10.0.0.2")
    }

    @Test func forwardedHeaderAndPorts() {
        let forwarded = ExtForwardPolicy(trustsEveryone: true, trusted: [], headers: ["Forwarded"])
        // "all" trusts every hop, so the walk reaches the left-most `for=`.
        #expect(client("192.0.2.1", [("Forwarded", "for=\"[2001:db8::7]:443\";proto=https, for=10.0.0.5")], forwarded) == "2001:db8::7")
        #expect(client("::1", [("X-Forwarded-For", "203.0.113.9:5123")]) == "203.0.113.9")
    }
}
