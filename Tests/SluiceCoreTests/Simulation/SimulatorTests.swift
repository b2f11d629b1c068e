import Testing

@testable import SluiceCore

/// Seeded simulations with margins of about 2× or more, sized to stay well under a second in a debug build.
@Suite struct SimulatorTests {
    /// Five single-threaded workers (exponential service, 1 ms mean), the fifth 10× slower; Poisson arrivals at
    /// 400/s, low enough that even round-robin's share of 80/s on the slow worker keeps its queue finite.
    private func oneSlowOfFive(_ kind: BalancerKind, requests: Int = 30_000, seed: UInt64 = 42) -> SimulationScenario {
        let backends = (1...5).map { index in
            SimulatedBackend(name: "w\(index)", latency: .exponential(mean: .milliseconds(index == 5 ? 10 : 1)),
                             concurrency: 1)
        }
        return SimulationScenario(balancer: kind, backends: backends, arrivals: .poisson(requestsPerSecond: 400),
                                  requests: requests, seed: seed)
    }

    @Test func adaptivePoliciesBeatRoundRobinWithOneSlowBackend() {
        let roundRobin = Simulator.run(oneSlowOfFive(.roundRobin))
        #expect(roundRobin.completed == 30_000)
        #expect(abs(roundRobin.backends[4].share - 0.2) < 0.001)
        for kind in [BalancerKind.shortestQueueFirst, .powerOfTwoChoices, .peakEWMA] {
            let report = Simulator.run(oneSlowOfFive(kind))
            #expect(report.completed == 30_000)
            #expect(report.meanLatency < roundRobin.meanLatency * 0.6, "\(report)\n\(roundRobin)")
            #expect(report.p99Latency < roundRobin.p99Latency * 0.6, "\(report)\n\(roundRobin)")
            #expect(report.backends[4].share < 0.15, "\(report)")
        }
    }

    @Test func ewmaTailIsNoWorseThanSQF() {
        let sqf = Simulator.run(oneSlowOfFive(.shortestQueueFirst))
        let ewma = Simulator.run(oneSlowOfFive(.peakEWMA))
        #expect(ewma.p99Latency <= sqf.p99Latency, "\(ewma)\n\(sqf)")
        #expect(ewma.backends[4].share < sqf.backends[4].share)
    }

    @Test func oneSeedOneResult() {
        let first = Simulator.run(oneSlowOfFive(.powerOfTwoChoices, requests: 5_000, seed: 7))
        let again = Simulator.run(oneSlowOfFive(.powerOfTwoChoices, requests: 5_000, seed: 7))
        let other = Simulator.run(oneSlowOfFive(.powerOfTwoChoices, requests: 5_000, seed: 8))
        #expect(first.description == again.description)
        #expect(first.description != other.description)
    }

    /// Five equal workers; the third refuses connections from 10 s to 20 s of a 50 s run.
    private func outage(_ kind: BalancerKind, disableTime: UInt64) -> SimulationScenario {
        let backends = (1...5).map { index in
            SimulatedBackend(name: "w\(index)", latency: .exponential(mean: .milliseconds(2)), concurrency: 2,
                             outage: index == 3 ? BackendOutage(start: .seconds(10), end: .seconds(20)) : nil)
        }
        return SimulationScenario(balancer: kind, backends: backends, arrivals: .poisson(requestsPerSecond: 400),
                                  requests: 20_000, seed: 3, health: HealthPolicy(disableTime: disableTime))
    }

    @Test(arguments: [BalancerKind.shortestQueueFirst, .roundRobin, .urlHash, .peakEWMA])
    func aBackendThatDiesIsSkippedForDisableTimeAndRetriedElsewhere(kind: BalancerKind) {
        let second: UInt64 = 1_000_000_000
        let short = Simulator.run(outage(kind, disableTime: second))
        let long = Simulator.run(outage(kind, disableTime: 4 * second))
        for report in [short, long] {
            #expect(report.completed == 20_000)  // every refused request was retried on another backend
            #expect(report.failed == 0 && report.backlogged == 0)
            #expect(report.backends[2].connectFailures == report.connectFailures)
        }
        // About one probe per disable-time during the 10 s outage (a few more when requests race the first one).
        #expect((8...40).contains(short.connectFailures), "\(short)")
        #expect((2...15).contains(long.connectFailures), "\(long)")
        #expect(long.connectFailures < short.connectFailures)
        // A refused attempt costs the client about the connect delay, not an error.
        #expect(short.maxLatency < 1e9)
    }

    @Test func whenEveryBackendIsDownRequestsWaitInTheBacklog() {
        let backends = (1...2).map { index in
            SimulatedBackend(name: "w\(index)", latency: .fixed(.milliseconds(1)),
                             outage: BackendOutage(start: .seconds(1), end: .milliseconds(2_500)))
        }
        let scenario = SimulationScenario(balancer: .shortestQueueFirst, backends: backends,
                                          arrivals: .poisson(requestsPerSecond: 200), requests: 1_000, seed: 9)
        let report = Simulator.run(scenario)
        #expect(report.completed == 1_000)
        #expect(report.backlogged > 100)
        #expect(report.failed == 0)
        #expect(report.maxLatency > 0.5e9)  // waited for the backends to come back
    }

    @Test func aRequestRefusedMaxAttemptsTimesFails() {
        let backends = [SimulatedBackend(name: "w1", latency: .fixed(.milliseconds(1)),
                                         outage: BackendOutage(start: .zero))]
        var scenario = SimulationScenario(balancer: .static, backends: backends,
                                          arrivals: .poisson(requestsPerSecond: 100), requests: 50, seed: 1)
        scenario.health = HealthPolicy(disableTime: 1_000_000_000)
        let report = Simulator.run(scenario)
        // Each request is refused, waits a disable-time in the backlog, is refused again, … five times, then 503.
        #expect(report.completed == 0)
        #expect(report.failed == 50)
        #expect(report.connectFailures == 250)
    }

    @Test func closedLoopCompletesExactlyTheRequestedCount() {
        let backends = (1...4).map { SimulatedBackend(name: "w\($0)", latency: .logNormal(median: .milliseconds(3), sigma: 0.5), concurrency: 1) }
        let scenario = SimulationScenario(balancer: .shortestQueueFirst, backends: backends,
                                          arrivals: .closedLoop(clients: 6, thinkTime: .exponential(mean: .milliseconds(1))),
                                          requests: 8_000, seed: 5)
        let report = Simulator.run(scenario)
        #expect(report.completed == 8_000)
        for backend in report.backends { #expect(abs(backend.share - 0.25) < 0.03) }
        // Never more than 6 requests in the system: a request waits behind at most 5 others.
        #expect(report.p50Latency > 2e6 && report.p50Latency < 10e6)
    }

    @Test func hashAndStickySpreadAndStaticFailsOver() {
        for kind in [BalancerKind.urlHash, .sticky] {
            let report = Simulator.run(oneSlowOfFive(kind, requests: 5_000))
            for backend in report.backends { #expect(abs(backend.share - 0.2) < 0.05, "\(report)") }
        }
        let backends = (1...3).map { index in
            SimulatedBackend(name: "w\(index)", latency: .fixed(.microseconds(500)), concurrency: 4,
                             outage: index == 1 ? BackendOutage(start: .seconds(2), end: .seconds(4)) : nil)
        }
        let scenario = SimulationScenario(balancer: .static, backends: backends,
                                          arrivals: .poisson(requestsPerSecond: 500), requests: 3_000, seed: 2)
        let report = Simulator.run(scenario)
        #expect(report.backends[2].served == 0)
        #expect(report.backends[1].share > 0.25 && report.backends[1].share < 0.45)  // the 2 s outage of 6 s
    }
}
