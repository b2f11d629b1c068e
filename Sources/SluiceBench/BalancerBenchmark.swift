import SluiceCore

/// One balancing decision (`BackendGroup.choose`) per iteration, for one policy over `backendCount` backends with
/// a realistic state: 0–3 requests in flight on each backend, warm latency estimates, a clock advancing 1 µs per
/// decision and 64 different URLs / client addresses. Target: under 100 ns at 5 backends, under 1 µs at 100.
struct BalancerDecisionBenchmark: BenchmarkScenario {
    let kind: BalancerKind
    let backendCount: Int
    private var group: BackendGroup?
    private var held: [BackendTicket] = []
    private var requests: [BalancingRequest] = []
    private let start: UInt64 = 1_000_000_000_000

    /// Every policy at 5 and at 100 backends.
    static var all: [BalancerDecisionBenchmark] {
        [5, 100].flatMap { count in BalancerKind.allCases.map { BalancerDecisionBenchmark(kind: $0, backendCount: count) } }
    }

    init(kind: BalancerKind, backendCount: Int) {
        self.kind = kind
        self.backendCount = backendCount
    }

    var name: String { "balance-\(kind.configName)-\(backendCount)" }
    var unit: String { "decision" }
    var defaultIterations: Int { backendCount > 10 ? 100_000 : 200_000 }  // short runs: best of 5 dodges preemption

    mutating func setUp() throws {
        let names = (0..<backendCount).map { "10.0.\($0 / 250).\($0 % 250 + 1):8080" }
        let group = BackendGroup(names: names, balancer: kind, random: AtomicSplitMix64(seed: 1))
        var random = SplitMix64(seed: 2)
        for backend in group.backends {
            // A warm estimate between 1 and 5 ms, sampled a little before the run starts.
            let latency = 1_000_000 + random.next() % 4_000_000
            group.begin(on: backend, now: start - latency).finish(.success, at: start)
            for _ in 0..<random.next() % 4 { held.append(group.begin(on: backend, now: start)) }
        }
        requests = (0..<64).map { index in
            BalancingRequest(host: "shop.example.com", target: "/catalog/item/\(index * 7919)?ref=home"[...],
                             clientAddress: ClientAddressKey(ipv4: 0xc0a8_0000 + UInt32(index)))
        }
        self.group = group
    }

    mutating func run(iterations: Int) -> Int {
        guard let group else { return 0 }
        var sink = 0
        var now = start
        for iteration in 0..<iterations {
            now &+= 1_000
            sink &+= group.choose(for: requests[iteration & 63], now: now)?.index ?? -1
        }
        return sink
    }
}

/// One `begin` + `finish(.success)` per iteration on a 5-backend `sqf` group: the accounting the proxy adds to a
/// request besides the decision (a ticket allocation, four atomic updates and the EWMA compare-and-swap).
struct BalancerTicketBenchmark: BenchmarkScenario {
    private let group = BackendGroup(names: (1...5).map { "127.0.0.1:300\($0)" }, balancer: .shortestQueueFirst)

    var name: String { "balance-ticket" }
    var unit: String { "request" }
    var defaultIterations: Int { 200_000 }

    mutating func run(iterations: Int) -> Int {
        var sink = 0
        var now: UInt64 = 1_000_000_000
        for _ in 0..<iterations {
            guard let ticket = group.begin(for: .empty, now: now) else { continue }
            now &+= 1_000
            sink &+= ticket.finish(.success, at: now) ? ticket.backend.index : 0
        }
        return sink
    }
}

/// The simulator's own speed: one simulated request (arrival, decision, service, accounting) per iteration,
/// `ewma` over five single-threaded backends, one 10× slower, at about 60% load.
struct BalancerSimulationBenchmark: BenchmarkScenario {
    var name: String { "simulate-ewma-5" }
    var unit: String { "sim request" }
    var defaultIterations: Int { 1_000_000 }

    mutating func run(iterations: Int) -> Int {
        let backends = (1...5).map { index in
            SimulatedBackend(name: "w\(index)", latency: .exponential(mean: .milliseconds(index == 5 ? 10 : 1)),
                             concurrency: 1)
        }
        let scenario = SimulationScenario(balancer: .peakEWMA, backends: backends,
                                          arrivals: .poisson(requestsPerSecond: 2_400), requests: iterations)
        return Simulator.run(scenario).completed
    }
}
