import Testing

@testable import SluiceCore

@Suite struct LatencyDistributionTests {
    private func samples(_ distribution: LatencyDistribution, count: Int = 20_000) -> [UInt64] {
        var random = SplitMix64(seed: 99)
        return (0..<count).map { _ in distribution.sample(using: &random) }.sorted()
    }

    @Test func fixedIsFixed() {
        #expect(Set(samples(.fixed(.microseconds(250)), count: 10)) == [250_000])
    }

    @Test func exponentialHasItsMeanAndMedian() {
        let draws = samples(.exponential(mean: .milliseconds(2)))
        let mean = draws.reduce(0.0) { $0 + Double($1) } / Double(draws.count)
        #expect(abs(mean - 2e6) / 2e6 < 0.03)
        // Median of an exponential: mean · ln 2.
        #expect(abs(Double(draws[draws.count / 2]) - 2e6 * 0.693147) / 1.386e6 < 0.03)
        #expect(LatencyDistribution.exponential(mean: .milliseconds(2)).meanNanoseconds == 2e6)
    }

    @Test func logNormalHasItsMedianAndALongTail() {
        let distribution = LatencyDistribution.logNormal(median: .milliseconds(4), sigma: 0.8)
        let draws = samples(distribution)
        #expect(abs(Double(draws[draws.count / 2]) - 4e6) / 4e6 < 0.04)
        let mean = draws.reduce(0.0) { $0 + Double($1) } / Double(draws.count)
        #expect(abs(mean - distribution.meanNanoseconds) / distribution.meanNanoseconds < 0.05)
        // p99 of a lognormal: median · e^(2.326 σ) ≈ 6.4 × the median.
        #expect(abs(Double(draws[draws.count * 99 / 100]) / 4e6 - 6.43) < 0.6)
    }

    @Test func eventsAtOneInstantRunInScheduleOrder() {
        var queue = EventQueue()
        queue.schedule(.completed(slot: 1), at: 5)
        queue.schedule(.completed(slot: 2), at: 3)
        queue.schedule(.completed(slot: 3), at: 5)
        queue.schedule(.completed(slot: 4), at: 3)
        queue.schedule(.completed(slot: 5), at: 0)
        var order: [Int32] = []
        while let event = queue.popFirst() {
            if case .completed(let slot) = event.kind { order.append(slot) }
        }
        #expect(order == [5, 2, 4, 1, 3])
    }

    @Test func slotQueueIsFIFOAcrossGrowth() {
        var queue = SlotQueue()
        var expected: [Int32] = []
        var popped: [Int32] = []
        for value in Int32(0)..<100 {
            queue.append(value)
            expected.append(value)
            if value % 3 == 0, let first = queue.popFirst() { popped.append(first) }
        }
        while let first = queue.popFirst() { popped.append(first) }
        #expect(popped == expected)
        #expect(queue.count == 0)
    }
}
