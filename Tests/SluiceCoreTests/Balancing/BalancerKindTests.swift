import Testing

@testable import SluiceCore

@Suite struct BalancerKindTests {
    @Test(arguments: [
        ("sqf", BalancerKind.shortestQueueFirst), ("fair", .shortestQueueFirst),
        ("least-connection", .shortestQueueFirst), ("round-robin", .roundRobin), ("rr", .roundRobin),
        ("hash", .urlHash), ("carp", .urlHash), ("sticky", .sticky), ("static", .static),
        ("p2c", .powerOfTwoChoices), ("ewma", .peakEWMA),
    ])
    func namesAndLighttpdAliases(name: String, kind: BalancerKind) {
        #expect(BalancerKind(configName: name) == kind)
        #expect(BalancerKind.configNames.contains(name))
    }

    @Test(arguments: ["", "SQF", "roundrobin", "least-conn", " sqf", "random"])
    func unknownNamesAreRejected(name: String) {
        #expect(BalancerKind(configName: name) == nil)
    }

    @Test func canonicalNames() {
        #expect(BalancerKind.allCases.map(\.configName) ==
                ["sqf", "round-robin", "hash", "sticky", "static", "p2c", "ewma"])
        #expect(BalancerKind.configNames.count == 11)
        #expect(BalancerKind.defaultKind == .shortestQueueFirst)
        for kind in BalancerKind.allCases {
            #expect(BalancerKind(configName: kind.configName) == kind)
        }
    }

    @Test func eachKindMakesItsPolicy() {
        let random = AtomicSplitMix64(seed: 1)
        #expect(BalancerKind.shortestQueueFirst.makeBalancer(random: random) is ShortestQueueFirstBalancer)
        #expect(BalancerKind.roundRobin.makeBalancer(random: random) is RoundRobinBalancer)
        #expect(BalancerKind.urlHash.makeBalancer(random: random) is URLHashBalancer)
        #expect(BalancerKind.sticky.makeBalancer(random: random) is StickyBalancer)
        #expect(BalancerKind.static.makeBalancer(random: random) is StaticBalancer)
        #expect(BalancerKind.powerOfTwoChoices.makeBalancer(random: random) is PowerOfTwoChoicesBalancer)
        #expect(BalancerKind.peakEWMA.makeBalancer(random: random) is PeakEWMABalancer)
    }

    @Test(arguments: BalancerKind.allCases)
    func everyPolicyReturnsNilWhenNothingIsUpOrEmpty(kind: BalancerKind) {
        let group = BackendGroup.lettered(3, kind, random: AtomicSplitMix64(seed: 5))
        for backend in group.backends { backend.health.activeCheckFailed(at: 0) }
        #expect(group.choose(for: .empty, now: 0) == nil)
        let empty = BackendGroup(names: [], balancer: kind)
        #expect(empty.choose(for: .empty, now: 0) == nil)
    }
}
