import Testing

@testable import SluiceCore

@Suite struct PeakEWMABalancerTests {
    /// Records one answer of `latency` from the named backend, ending at `end`.
    private func answer(_ group: BackendGroup, _ name: String, latency: UInt64, end: UInt64) {
        group.begin(on: group[name], now: end - latency).finish(.success, at: end)
    }

    @Test func prefersTheFasterBackend() {
        let group = BackendGroup.lettered(2, .peakEWMA)
        answer(group, "A", latency: ms(10), end: ms(10))
        answer(group, "B", latency: ms(1), end: ms(10))
        #expect(group.names(of: 4, now: ms(20)) == ["B", "B", "B", "B"])
    }

    @Test func inFlightMultipliesTheLatency() {
        let group = BackendGroup.lettered(2, .peakEWMA)
        answer(group, "A", latency: ms(10), end: ms(10))
        answer(group, "B", latency: ms(1), end: ms(10))
        // B: 1 ms × (9 + 1) = 10 ms ≈ A's 10 ms × 1; with 11 in flight B costs 12 ms and A wins.
        let held = group.hold(11, on: "B", now: ms(10))
        #expect(group.choose(for: .empty, now: ms(11))?.name == "A")
        _ = held
    }

    @Test func coldBackendsAreProbedButNotFlooded() {
        let group = BackendGroup.lettered(2, .peakEWMA)
        answer(group, "A", latency: ms(5), end: ms(5))
        // B has no answer yet: it is as attractive as the fastest warm backend and wins the tie.
        let probe = group.begin(for: .empty, now: ms(6))
        #expect(probe?.backend.name == "B")
        // With its probe in flight it counts as A's latency × 2: A wins until B answers.
        #expect(group.names(of: 3, now: ms(6)) == ["A", "A", "A"])
        probe?.finish(.success, at: ms(7))
        // B answered in 1 ms: now it is the fast one.
        #expect(group.choose(for: .empty, now: ms(8))?.name == "B")
    }

    @Test func allColdBehavesLikeSQF() {
        let group = BackendGroup.lettered(3, .peakEWMA)
        #expect(group.names(of: 4) == ["A", "B", "C", "A"])
        let held = group.hold(1, on: "A") + group.hold(1, on: "B")
        #expect(group.names(of: 2) == ["C", "C"])
        _ = held
    }

    @Test func anAvoidedSlowBackendIsProbedAgainAfterItsEstimateDecays() {
        let group = BackendGroup.lettered(2, .peakEWMA)
        answer(group, "A", latency: ms(50), end: ms(50))
        var now = ms(50)
        var firstReturnToA: UInt64?
        // B answers in 1 ms every 100 ms; A gets nothing until its decayed estimate drops below 1 ms:
        // 50 ms · e^(−t/10 s) < 1 ms after t ≈ 39 s.
        while now < 60_000 * ms(1) {
            now += ms(100)
            answer(group, "B", latency: ms(1), end: now)
            if group.choose(for: .empty, now: now)?.name == "A" {
                firstReturnToA = now
                break
            }
        }
        let seconds = Double(firstReturnToA ?? 0) / 1e9
        #expect(seconds > 35 && seconds < 45)
    }

    @Test func downBackendsAreSkipped() {
        let group = BackendGroup.lettered(2, .peakEWMA)
        answer(group, "A", latency: ms(1), end: ms(1))
        answer(group, "B", latency: ms(9), end: ms(9))
        group.disable("A", at: ms(9))
        #expect(group.choose(for: .empty, now: ms(10))?.name == "B")
        group.disable("B", at: ms(9))
        #expect(group.choose(for: .empty, now: ms(10)) == nil)
    }
}
