import Testing

@testable import SluiceCore

@Suite struct URLHashBalancerTests {
    private func request(_ target: String, host: String = "example.com") -> BalancingRequest {
        BalancingRequest(host: host[...], target: target[...])
    }

    @Test func sameURLSameBackendQueryIgnored() {
        let group = BackendGroup.lettered(5, .urlHash)
        let first = group.choose(for: request("/shop/item/42"), now: 0)
        for target in ["/shop/item/42", "/shop/item/42?color=red", "/shop/item/42?", "/shop/item/42#top"] {
            #expect(group.choose(for: request(target), now: 0) === first)
        }
    }

    @Test func hostTakesPart() {
        let group = BackendGroup.lettered(7, .urlHash)
        let byHost = Set((0..<40).map { group.choose(for: request("/", host: "h\($0).example"), now: 0)!.name })
        #expect(byHost.count > 1)
    }

    @Test func keysSpreadEvenly() {
        let group = BackendGroup.lettered(5, .urlHash)
        var counts = [Int](repeating: 0, count: 5)
        for key in 0..<10_000 { counts[group.choose(for: request("/k/\(key)"), now: 0)!.index] += 1 }
        for count in counts { #expect((1_800...2_200).contains(count)) }
    }

    @Test func sameChoiceInEveryProcessAndOrder() {
        // The choice depends on names, not positions: a reordered list picks the same backend by name.
        let names = (1...6).map { "10.0.0.\($0):80" }
        let forward = BackendGroup(names: names, balancer: .urlHash)
        let backward = BackendGroup(names: names.reversed(), balancer: .urlHash)
        for key in 0..<200 {
            let r = request("/k/\(key)")
            #expect(forward.choose(for: r, now: 0)?.name == backward.choose(for: r, now: 0)?.name)
        }
    }

    @Test(arguments: [3, 5, 10, 20])
    func removingOneBackendMovesOnlyItsOwnKeys(count: Int) {
        let names = (1...count).map { "127.0.0.1:\(3000 + $0)" }
        let full = BackendGroup(names: names, balancer: .urlHash)
        let removed = names[count / 2]
        let smaller = BackendGroup(names: names.filter { $0 != removed }, balancer: .urlHash)
        let keys = 10_000
        var moved = 0
        for key in 0..<keys {
            let r = request("/k/\(key)")
            let before = full.choose(for: r, now: 0)!.name
            let after = smaller.choose(for: r, now: 0)!.name
            if before != after {
                moved += 1
                #expect(before == removed)  // only the leaving backend's keys move
            }
        }
        #expect(Double(moved) / Double(keys) <= 1.0 / Double(count) + 0.02)
    }

    @Test func aDownBackendsKeysGoElsewhereAndComeBack() {
        let group = BackendGroup.lettered(4, .urlHash)
        let targets = (0..<400).map { "/k/\($0)" }
        let before = targets.map { group.choose(for: request($0), now: 0)!.name }
        group.disable("B", at: 0)
        for (target, name) in zip(targets, before) {
            let during = group.choose(for: request(target), now: 1)!.name
            #expect(during != "B")
            if name != "B" { #expect(during == name) }
        }
        let after = targets.map { group.choose(for: request($0), now: ms(1000))!.name }
        #expect(after == before)
    }
}
