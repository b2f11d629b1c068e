import Foundation
import SluiceCore

/// `SluiceBench simulate`: the simulator's prediction for one policy in front of backends with fixed delays and a
/// closed loop of clients, the shape `scripts/bench-balancers` measures with wrk (N connections, each sending its
/// next request as soon as the previous answer arrives) so the two can be printed side by side.
///
///     SluiceBench simulate --policy sqf --delays 5,5,5,5,50 --concurrency 32 --requests 200000
///
/// Backends are `sluice-worker --delay-ms D --jitter-ms J`: the delay is a timer on the event loop, so a worker
/// serves any number of requests at once (no queue), unless `--backend-concurrency` says otherwise. The worker's
/// uniform `0...J` jitter is modelled by a log-normal with the same mean and variance (the simulator has no
/// uniform distribution; for a jitter small against the delay the two are nearly the same). wrk sends every
/// request to the same URL from the same address, hence `--keys 1` by default: `hash` and `sticky` then put
/// everything on one backend, as they do for real.
struct SimulateCommand {
    var policy = BalancerKind.defaultKind
    var delaysMilliseconds: [Double] = [5, 5, 5, 5, 50]
    var jitterMilliseconds = 0.0
    var concurrency = 32
    var requests = 200_000
    var keys = 1
    var backendConcurrency: Int?
    var outage: (index: Int, start: Double, end: Double?)?
    var seed: UInt64 = 1
    var machineReadable = false

    static let usage = """
        usage: SluiceBench simulate [--policy NAME] [--delays MS,MS,...] [--jitter-ms MS] [--concurrency N]
                                    [--requests N] [--keys N] [--backend-concurrency N]
                                    [--outage INDEX@SECONDS[-SECONDS]] [--seed N] [--machine]
          --policy               a proxy-core.balancer name (default sqf)
          --delays               each backend's delay in ms (default 5,5,5,5,50)
          --jitter-ms            uniform 0...MS added to each delay, as sluice-worker --jitter-ms (default 0)
          --concurrency          closed-loop clients, like wrk -c (default 32)
          --requests             requests to complete (default 200000)
          --keys                 distinct URLs / client addresses (default 1: one wrk URL from one address)
          --backend-concurrency  requests a backend processes at once, the rest queue (default: no limit)
          --outage               backend INDEX (1-based) refuses connections from SECONDS on (until SECONDS)
          --machine              one key=value line instead of the table
        """

    /// Parses `arguments` (after `simulate`); exits with status 2 and a message when they make no sense.
    init(arguments: [String]) {
        var rest = arguments[...]
        while let option = rest.popFirst() {
            if option == "--machine" {
                machineReadable = true
                continue
            }
            if option == "-h" || option == "--help" {
                print(Self.usage)
                exit(0)
            }
            guard let value = rest.popFirst() else { Self.fail("\(option) needs a value") }
            switch option {
            case "--policy":
                guard let kind = BalancerKind(configName: value) else {
                    Self.fail("unknown policy \(value); known: \(BalancerKind.configNames.joined(separator: ", "))")
                }
                policy = kind
            case "--delays":
                let delays = value.split(separator: ",").compactMap { Double($0) }
                guard !delays.isEmpty, delays.count == value.split(separator: ",").count, delays.allSatisfy({ $0 >= 0 })
                else { Self.fail("--delays wants milliseconds like 5,5,5,5,50, not \(value)") }
                delaysMilliseconds = delays
            case "--jitter-ms":
                guard let jitter = Double(value), jitter >= 0 else { Self.fail("bad --jitter-ms \(value)") }
                jitterMilliseconds = jitter
            case "--concurrency":
                guard let count = Int(value), count > 0 else { Self.fail("bad --concurrency \(value)") }
                concurrency = count
            case "--requests":
                guard let count = Int(value), count > 0 else { Self.fail("bad --requests \(value)") }
                requests = count
            case "--keys":
                guard let count = Int(value), count > 0 else { Self.fail("bad --keys \(value)") }
                keys = count
            case "--backend-concurrency":
                guard let count = Int(value), count > 0 else { Self.fail("bad --backend-concurrency \(value)") }
                backendConcurrency = count
            case "--outage":
                guard let parsed = Self.parseOutage(value) else {
                    Self.fail("--outage wants INDEX@SECONDS or INDEX@SECONDS-SECONDS, not \(value)")
                }
                outage = parsed
            case "--seed":
                guard let number = UInt64(value) else { Self.fail("bad --seed \(value)") }
                seed = number
            default:
                Self.fail("unknown option \(option)")
            }
        }
        if let outage, outage.index < 1 || outage.index > delaysMilliseconds.count {
            Self.fail("--outage names backend \(outage.index) of \(delaysMilliseconds.count)")
        }
    }

    private static func parseOutage(_ text: String) -> (index: Int, start: Double, end: Double?)? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]) else { return nil }
        let times = parts[1].split(separator: "-", omittingEmptySubsequences: false)
        guard let start = Double(times[0]), start >= 0, times.count <= 2 else { return nil }
        if times.count == 2 {
            guard let end = Double(times[1]), end > start else { return nil }
            return (index, start, end)
        }
        return (index, start, nil)
    }

    /// Says what is wrong with the command line and exits with status 2.
    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("SluiceBench simulate: \(message)\n\(usage)\n".utf8))
        exit(2)
    }

    var scenario: SimulationScenario {
        let backends = delaysMilliseconds.enumerated().map { index, delay in
            SimulatedBackend(
                name: "backend-\(index + 1)", latency: Self.latency(delay: delay, jitter: jitterMilliseconds),
                concurrency: backendConcurrency,
                outage: outage.flatMap { outage in
                    outage.index == index + 1
                        ? BackendOutage(start: .seconds(outage.start), end: outage.end.map { .seconds($0) }) : nil
                })
        }
        return SimulationScenario(
            balancer: policy, backends: backends,
            arrivals: .closedLoop(clients: concurrency, thinkTime: .fixed(.zero)), requests: requests, seed: seed,
            distinctKeys: keys)
    }

    /// `delay + uniform(0...jitter)` ms as a distribution with the same mean and variance.
    static func latency(delay: Double, jitter: Double) -> LatencyDistribution {
        let mean = delay + jitter / 2
        guard jitter > 0, mean > 0 else { return .fixed(.nanoseconds(Int64(delay * 1e6))) }
        let deviation = jitter / 12.0.squareRoot()
        let sigmaSquared = log(1 + (deviation / mean) * (deviation / mean))
        let median = mean / exp(sigmaSquared / 2)
        return .logNormal(median: .nanoseconds(Int64(median * 1e6)), sigma: sigmaSquared.squareRoot())
    }

    func run() {
        let report = Simulator.run(scenario)
        guard machineReadable else {
            print(report)
            return
        }
        let seconds = report.duration / 1e9
        let fields = [
            "policy=\(policy.configName)",
            "requests=\(report.completed)",
            "rps=\(Self.fixed(seconds > 0 ? Double(report.completed) / seconds : 0, 1))",
            "mean_ms=\(Self.fixed(report.meanLatency / 1e6, 3))",
            "p50_ms=\(Self.fixed(report.p50Latency / 1e6, 3))",
            "p99_ms=\(Self.fixed(report.p99Latency / 1e6, 3))",
            "max_ms=\(Self.fixed(report.maxLatency / 1e6, 3))",
            "failed=\(report.failed)",
            "connect_failures=\(report.connectFailures)",
            "shares=" + report.backends.map { Self.fixed($0.share * 100, 1) }.joined(separator: ","),
        ]
        print(fields.joined(separator: " "))
    }

    private static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
