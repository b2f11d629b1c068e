/// `hash` (alias `carp`): rendezvous hashing of the request's host + path (not the query), so one URL always
/// reaches the same backend (cache affinity) from every Sluice process and after restarts. See `Rendezvous`.
public struct URLHashBalancer: LoadBalancer {
    public init() {}

    public func pick(from backends: [Backend], for request: BalancingRequest, now: UInt64) -> Int? {
        Rendezvous.pick(from: backends, key: request.hostAndPathHash, now: now)
    }
}
