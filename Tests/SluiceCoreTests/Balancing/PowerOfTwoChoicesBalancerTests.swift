import Testing

@testable import SluiceCore

@Suite struct PowerOfTwoChoicesBalancerTests {
    @Test func theTwoDrawsAreAlwaysDistinctAndInRange() {
        var random = SplitMix64(seed: 7)
        for count in 2...7 {
            var pairs = Set<[Int]>()
            for _ in 0..<2000 {
                let (first, second) = PowerOfTwoChoicesBalancer.distinctPair(random.next(), count: count)
                #expect(first != second)
                #expect((0..<count).contains(first) && (0..<count).contains(second))
                pairs.insert([first, second])
            }
            // Every ordered pair of distinct indices occurs.
            #expect(pairs.count == count * (count - 1))
        }
    }

    @Test func collidingRawDrawsStillGiveTwoBackends() {
        // Both halves of the word draw index 1; the second is shifted past the first: B against C.
        let random = ScriptedRandom([p2cWord(first: 1, secondRaw: 1, count: 3)])
        let group = BackendGroup.lettered(3, .powerOfTwoChoices, random: random)
        let held = group.hold(1, on: "B")
        #expect(group.choose(for: .empty, now: 0)?.name == "C")
        _ = held
    }

    @Test func fewerInFlightWinsAndTiesGoToTheFirstDraw() {
        let words = [
            p2cWord(first: 0, secondRaw: 1, count: 3),  // A vs C
            p2cWord(first: 2, secondRaw: 0, count: 3),  // C vs A
            p2cWord(first: 1, secondRaw: 1, count: 3),  // B vs C (tie)
            p2cWord(first: 2, secondRaw: 1, count: 3),  // C vs B (tie)
        ]
        let group = BackendGroup.lettered(3, .powerOfTwoChoices, random: ScriptedRandom(words))
        let held = group.hold(2, on: "A")
        #expect(group.names(of: 4) == ["C", "C", "B", "C"])
        _ = held
    }

    @Test func downBackendsAreNeverDrawn() {
        // The first word draws A and B, but B is down: the fallback draws two among the up backends A, C, D
        // (ranks 1 and 2: C and D), and D, idle, beats C, which holds one.
        let words = [p2cWord(first: 0, secondRaw: 0, count: 4), p2cWord(first: 1, secondRaw: 1, count: 3)]
        let group = BackendGroup.lettered(4, .powerOfTwoChoices, random: ScriptedRandom(words))
        group.disable("B")
        let held = group.hold(1, on: "C")
        #expect(group.choose(for: .empty, now: 0)?.name == "D")
        _ = held
    }

    @Test func oneOrNoBackendUp() {
        let group = BackendGroup.lettered(3, .powerOfTwoChoices, random: AtomicSplitMix64(seed: 3))
        group.disable("A")
        group.disable("C")
        #expect(Set(group.names(of: 20)) == ["B"])
        group.disable("B")
        #expect(group.choose(for: .empty, now: 0) == nil)
        let single = BackendGroup.lettered(1, .powerOfTwoChoices)
        #expect(single.choose(for: .empty, now: 0)?.name == "A")
    }

    @Test func randomDrawsSpreadOverTheUpBackends() {
        let group = BackendGroup.lettered(5, .powerOfTwoChoices, random: AtomicSplitMix64(seed: 11))
        group.disable("E")
        var counts: [String: Int] = [:]
        for name in group.names(of: 4000) { counts[name, default: 0] += 1 }
        #expect(counts["E"] == nil)
        // All idle: each of the 4 wins about a quarter (first-draw ties).
        for name in ["A", "B", "C", "D"] { #expect((800...1200).contains(counts[name] ?? 0)) }
    }
}
