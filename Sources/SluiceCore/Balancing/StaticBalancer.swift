/// `static`: the first backend in configuration order that is up (fail-over only; lighttpd 1.5 `static`).
public struct StaticBalancer: LoadBalancer {
    public init() {}

    public func pick(from backends: [Backend], for request: BalancingRequest, now: UInt64) -> Int? {
        backends.indices.first { backends.isUp($0, at: now) }
    }
}
