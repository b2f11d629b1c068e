/// What to simulate: a balancer in front of simulated backends under a stream of requests. Build one, pass it to
/// `Simulator.run`, read the `SimulationReport` (`scripts/bench-balancers` does this through SluiceBench).
///
/// ```swift
/// var scenario = SimulationScenario(balancer: .peakEWMA, backends: (1...5).map {
///     SimulatedBackend(name: "b\($0)", latency: .exponential(mean: .milliseconds($0 == 5 ? 10 : 1)), concurrency: 1)
/// }, arrivals: .poisson(requestsPerSecond: 2500), requests: 1_000_000)
/// print(Simulator.run(scenario))
/// ```
public struct SimulationScenario: Sendable {
    public var balancer: BalancerKind
    public var backends: [SimulatedBackend]
    public var arrivals: ArrivalProcess
    /// Requests to complete.
    public var requests: Int
    /// Seeds every random draw (arrivals, service times, keys, `p2c`): one seed, one result.
    public var seed: UInt64
    /// `disable-time` and the other health settings, applied to the real `BackendHealth`.
    public var health: HealthPolicy
    /// τ of the latency estimate in ns (`PeakEWMA.defaultDecay`).
    public var latencyDecay: UInt64
    /// How long a refused connection takes to report (a loopback `ECONNREFUSED` is about this fast).
    public var connectFailureDelay: Duration
    /// Distinct URLs (for `hash`) and client addresses (for `sticky`, open loop) requests are drawn from.
    public var distinctKeys: Int
    /// Connection attempts per request before the proxy gives up and answers 503 (lighttpd 1.4 re-sends a
    /// request up to 5 times while nothing has been written).
    public var maxAttempts: Int

    public init(
        balancer: BalancerKind, backends: [SimulatedBackend], arrivals: ArrivalProcess, requests: Int,
        seed: UInt64 = 1, health: HealthPolicy = HealthPolicy(), latencyDecay: UInt64 = PeakEWMA.defaultDecay,
        connectFailureDelay: Duration = .microseconds(100), distinctKeys: Int = 10_000, maxAttempts: Int = 5
    ) {
        self.balancer = balancer
        self.backends = backends
        self.arrivals = arrivals
        self.requests = requests
        self.seed = seed
        self.health = health
        self.latencyDecay = latencyDecay
        self.connectFailureDelay = connectFailureDelay
        self.distinctKeys = distinctKeys
        self.maxAttempts = maxAttempts
    }
}

/// One simulated app server.
public struct SimulatedBackend: Sendable {
    public var name: String
    /// Time to serve one request once it is being processed.
    public var latency: LatencyDistribution
    /// Requests processed at once (a single-threaded worker is 1); the rest wait in its queue in arrival order.
    /// nil: no limit.
    public var concurrency: Int?
    /// A period during which the backend refuses connections (its process died), measured from the start of
    /// the run. Requests already accepted still complete.
    public var outage: BackendOutage?

    public init(name: String, latency: LatencyDistribution, concurrency: Int? = nil, outage: BackendOutage? = nil) {
        self.name = name
        self.latency = latency
        self.concurrency = concurrency
        self.outage = outage
    }
}

/// Connections refused from `start` until `end` (nil: for the rest of the run), times from the start of the run.
public struct BackendOutage: Sendable, Equatable {
    public var start: Duration
    public var end: Duration?

    public init(start: Duration, end: Duration? = nil) {
        self.start = start
        self.end = end
    }
}

/// How requests arrive.
public enum ArrivalProcess: Sendable, Equatable {
    /// Open loop: a Poisson stream at this mean rate, whatever the latency (new users keep coming).
    case poisson(requestsPerSecond: Double)
    /// Closed loop: `clients` users, each sending its next request after its previous answer plus a think time.
    case closedLoop(clients: Int, thinkTime: LatencyDistribution)
}
