import Foundation
import Testing

@testable import SluiceCore

/// The estimate through `BackendStats` (the only writer), times in ns, τ = 10 s.
@Suite struct PeakEWMATests {
    private let tau = PeakEWMA.defaultDecay
    private let start: UInt64 = 5_000_000_000

    private func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= abs(b) * tolerance
    }

    @Test func firstSampleSetsTheEstimate() {
        let stats = BackendStats()
        #expect(stats.latencyEstimate(at: start) == nil)
        stats.recordLatency(3_000_000, at: start)
        #expect(close(stats.latencyEstimate(at: start), 3_000_000))
    }

    @Test func aSlowerAnswerReplacesTheEstimateAtOnce() {
        let stats = BackendStats()
        stats.recordLatency(1_000_000, at: start)
        stats.recordLatency(40_000_000, at: start + 1)
        #expect(close(stats.latencyEstimate(at: start + 1), 40_000_000))
    }

    @Test func aFasterAnswerIsAveragedInByElapsedTime() {
        let stats = BackendStats()
        stats.recordLatency(8_000_000, at: start)
        stats.recordLatency(2_000_000, at: start + tau)
        // c·w + r·(1 − w) with w = e^(−1), where c·w is the decayed estimate.
        let w = exp(-1.0)
        #expect(close(stats.latencyEstimate(at: start + tau), 8_000_000 * w + 2_000_000 * (1 - w)))
        // A fast answer right after a slow one barely moves it: time, not sample count, sets the weight.
        let burst = BackendStats()
        burst.recordLatency(8_000_000, at: start)
        for step in 1...100 { burst.recordLatency(1, at: start + UInt64(step) * 1_000) }
        #expect((burst.latencyEstimate(at: start + 100_000) ?? 0) > 7_999_000)
    }

    @Test func theEstimateDecaysTowardZeroBetweenAnswers() {
        let stats = BackendStats()
        stats.recordLatency(10_000_000, at: start)
        #expect(close(stats.latencyEstimate(at: start + 2 * tau), 10_000_000 * exp(-2.0)))
        #expect(close(stats.latencyEstimate(at: start + tau / 2), 10_000_000 * exp(-0.5)))
    }

    @Test func customDecayTime() {
        let stats = BackendStats(latencyDecay: 1_000_000_000)
        stats.recordLatency(10_000_000, at: start)
        #expect(close(stats.latencyEstimate(at: start + 1_000_000_000), 10_000_000 * exp(-1.0)))
    }

    @Test func logDomainScoresOrderLikeLinearOnes() {
        // (estimate, in flight, sample time): c(t)·(n+1) and L + ln(n+1) must rank backends alike.
        let now: UInt64 = 90_000_000_000
        let cases: [(Double, Int, UInt64)] = [
            (2e6, 3, 80_000_000_000), (9e6, 0, 89_000_000_000), (1e6, 0, 10_000_000_000),
            (5e5, 40, 89_900_000_000), (3e6, 200, 60_000_000_000),
        ]
        let linear = cases.map { c, n, t in c * exp(-Double(now - t) / Double(tau)) * Double(n + 1) }
        let logs = cases.map { c, n, t in
            PeakEWMA.logValue(c, at: t, decay: tau) + PeakEWMA.logLoadFactor(n, table: PeakEWMA.smallLoadLogs)
        }
        let linearOrder = linear.indices.sorted { linear[$0] < linear[$1] }
        let logOrder = logs.indices.sorted { logs[$0] < logs[$1] }
        #expect(linearOrder == logOrder)
        for index in cases.indices {
            #expect(close(exp(logs[index] - Double(now) / Double(tau)), linear[index], tolerance: 1e-9))
        }
    }

    @Test func loadFactorTableAndFallbackAgree() {
        let table = PeakEWMA.smallLoadLogs
        for n in [0, 1, 2, 127, 128, 129, 5000] {
            #expect(abs(PeakEWMA.logLoadFactor(n, table: table) - log(Double(n + 1))) < 1e-12)
        }
        #expect(PeakEWMA.logLoadFactor(-3, table: table) == 0)
    }
}
