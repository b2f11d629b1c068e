/// `sticky`: rendezvous hashing of the client's IP address, so one client keeps reaching one backend while it is
/// up (lighttpd 1.4 `sticky`, nginx `ip_hash`). See `Rendezvous`.
public struct StickyBalancer: LoadBalancer {
    public init() {}

    public func pick(from backends: [Backend], for request: BalancingRequest, now: UInt64) -> Int? {
        Rendezvous.pick(from: backends, key: request.clientAddress.stableHash, now: now)
    }
}
