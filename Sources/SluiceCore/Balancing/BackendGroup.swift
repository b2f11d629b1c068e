/// The backends of one `proxy-core.backends` list with their policy: what the proxy core asks for a backend.
/// One instance is shared by every event loop (all its state is atomic).
///
/// ```swift
/// let now = NIODeadline.now().uptimeNanoseconds
/// guard let ticket = group.begin(for: request, now: now) else { /* backlog, then 503 */ }
/// // connect to ticket.backend …; on refusal: ticket.finish(.connectFailure, at: now) and begin again
/// // (the refusing backend is now skipped); after the response: ticket.finish(.success, at: now)
/// ```
public final class BackendGroup: Sendable {
    public let backends: [Backend]
    public let balancer: any LoadBalancer

    /// Backends named `names` (in order) sharing one health policy, balanced by `kind`.
    /// - Parameters:
    ///   - latencyDecay: τ of the latency estimate in ns (`PeakEWMA.defaultDecay`, 10 s).
    ///   - random: randomness for `p2c`; by default seeded from the system generator.
    public convenience init(
        names: [String], balancer kind: BalancerKind, health: HealthPolicy = HealthPolicy(),
        latencyDecay: UInt64 = PeakEWMA.defaultDecay, random: (any BalancerRandom)? = nil
    ) {
        let random = random ?? AtomicSplitMix64(seed: UInt64.random(in: .min ... .max))
        self.init(names: names, balancer: kind.makeBalancer(random: random), health: health, latencyDecay: latencyDecay)
    }

    /// Backends named `names` balanced by any policy.
    public init(names: [String], balancer: any LoadBalancer, health: HealthPolicy = HealthPolicy(),
                latencyDecay: UInt64 = PeakEWMA.defaultDecay) {
        self.backends = names.enumerated().map { index, name in
            Backend(name: name, index: index, stats: BackendStats(latencyDecay: latencyDecay),
                    health: BackendHealth(policy: health))
        }
        self.balancer = balancer
    }

    /// The backend the policy picks for `request`, or nil when none is up.
    public func choose(for request: BalancingRequest, now: UInt64) -> Backend? {
        balancer.pick(from: backends, for: request, now: now).map { backends[$0] }
    }

    /// Starts a request on `backend` (in flight +1). Finish the ticket when the exchange ends.
    public func begin(on backend: Backend, now: UInt64) -> BackendTicket {
        BackendTicket(backend: backend, startedAt: now)
    }

    /// Chooses a backend and starts the request on it in one step; nil when none is up.
    public func begin(for request: BalancingRequest, now: UInt64) -> BackendTicket? {
        choose(for: request, now: now).map { BackendTicket(backend: $0, startedAt: now) }
    }

    /// Whether any backend is up at `now`.
    public func hasBackendUp(at now: UInt64) -> Bool {
        backends.contains { $0.health.isUp(at: now) }
    }

    /// The earliest instant a disabled backend comes back by itself, for waking the backlog; nil if some backend
    /// is up already or every down backend waits for an active check.
    public func nextRecovery(after now: UInt64) -> UInt64? {
        var earliest: UInt64?
        for backend in backends {
            if backend.health.isUp(at: now) { return nil }
            if let time = backend.health.recoveryTime(after: now) {
                earliest = min(earliest ?? .max, time)
            }
        }
        return earliest
    }
}
