/// A balancing policy (`proxy-core.balancer`): picks one backend for a request.
///
/// Policies only choose: they skip backends that are not up (`Backend.health.isUp(at:)`) but never judge health
/// themselves, and they read the shared counts in `Backend.stats` without writing them (the ticket does). One
/// instance serves every event loop, so any state of its own (a rotation cursor) is atomic.
///
/// To add a policy: a type in its own file conforming to this protocol, and a row in `BalancerKind`.
public protocol LoadBalancer: Sendable {
    /// The index into `backends` of the chosen backend, or nil when none is up (the proxy then puts the request
    /// in the backlog, and answers 503 when that is full). `now` is the monotonic clock in nanoseconds.
    func pick(from backends: [Backend], for request: BalancingRequest, now: UInt64) -> Int?
}
