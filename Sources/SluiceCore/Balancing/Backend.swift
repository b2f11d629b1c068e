/// One backend of a `BackendGroup` (`"127.0.0.1:3001"`, `"unix:/run/app.sock"`): its name, its shared counts and
/// its health. Immutable apart from those atomics, so every event loop shares the same instance.
public final class Backend: Sendable {
    /// The address as configured (after `split-hostnames`, one address per backend).
    public let name: String
    /// Position in the group, in configuration order.
    public let index: Int
    public let stats: BackendStats
    public let health: BackendHealth
    /// The stable hash of `name`, this backend's identity for rendezvous hashing: it depends on the name only,
    /// not on the position, so reordering or removing other backends never moves this one's keys.
    public let rendezvousSeed: UInt64

    public init(name: String, index: Int, stats: BackendStats = BackendStats(), health: BackendHealth = BackendHealth()) {
        self.name = name
        self.index = index
        self.stats = stats
        self.health = health
        self.rendezvousSeed = StableHash.hash(name)
    }
}
