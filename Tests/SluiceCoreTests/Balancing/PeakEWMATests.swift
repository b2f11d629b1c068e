import Foundation
import Testing

@testable import SluiceCore

@Suite struct PeakEWMATests {
    private let tau = PeakEWMA.defaultDecay
    /// A time on the 2^20 ns grid of the packed timestamp, so elapsed times are exact.
    private func tick(_ units: UInt64) -> UInt64 { units << 20 }

    @Test func firstSampleSetsTheEstimate() {
        let word = PeakEWMA.updated(0, latency: 3_000_000, now: tick(5), decay: tau)
        #expect(PeakEWMA.estimate(0, now: 0, decay: tau) == nil)
        #expect(PeakEWMA.estimate(word, now: tick(5), decay: tau) == 3_000_000)
    }

    @Test func aSlowerAnswerReplacesTheEstimateAtOnce() {
        var word = PeakEWMA.updated(0, latency: 1_000_000, now: tick(1), decay: tau)
        word = PeakEWMA.updated(word, latency: 40_000_000, now: tick(1), decay: tau)
        #expect(PeakEWMA.estimate(word, now: tick(1), decay: tau) == 40_000_000)
    }

    @Test func aFasterAnswerIsAveragedInByElapsedTime() throws {
        let start = tick(10)
        let oneTau = start + tau
        var word = PeakEWMA.updated(0, latency: 8_000_000, now: start, decay: tau)
        word = PeakEWMA.updated(word, latency: 2_000_000, now: oneTau, decay: tau)
        // The stamp is quantised to 2^20 ns: compare with the weight of the quantised elapsed time.
        let elapsed = Double(((oneTau >> 20) - (start >> 20)) << 20)
        let w = exp(-elapsed / Double(tau))
        let expected = 8_000_000 * w + 2_000_000 * (1 - w)
        let estimate = try #require(PeakEWMA.estimate(word, now: oneTau, decay: tau))
        #expect(abs(estimate - expected) / expected < 1e-5)
        // A fast answer right after a slow one barely moves it (time, not sample count, sets the weight).
        let soon = PeakEWMA.updated(PeakEWMA.updated(0, latency: 8_000_000, now: start, decay: tau),
                                    latency: 1, now: start + tick(1), decay: tau)
        #expect(try #require(PeakEWMA.estimate(soon, now: start + tick(1), decay: tau)) > 7_990_000)
    }

    @Test func theReadEstimateDecaysTowardZero() throws {
        let word = PeakEWMA.updated(0, latency: 10_000_000, now: tick(0), decay: tau)
        let later = try #require(PeakEWMA.estimate(word, now: tick(0) + 2 * tau, decay: tau))
        let elapsed = Double(((2 * tau) >> 20) << 20)
        let expected = 10_000_000 * exp(-elapsed / Double(tau))
        #expect(abs(later - expected) / expected < 1e-6)
        #expect(PeakEWMA.storedEstimate(word) == 10_000_000)
    }

    @Test func negativeExponentialMatchesLibm() {
        var x = 0.0
        while x < 60 {
            let expected = exp(-x)
            #expect(abs(PeakEWMA.negativeExponential(x) - expected) <= expected * 1e-6)
            x += 0.0137
        }
        #expect(PeakEWMA.negativeExponential(0) == 1)
        #expect(PeakEWMA.negativeExponential(-3) == 1)
        #expect(PeakEWMA.negativeExponential(800) == 0)
        #expect(PeakEWMA.negativeExponential(.infinity) == 0)
    }
}
