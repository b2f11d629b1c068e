/// Every balancing policy, and the one table mapping `proxy-core.balancer` / `proxy.balance` names (lighttpd's
/// aliases included) to them. Names are matched exactly, as lighttpd does; the config compiler reports an
/// unknown name with a did-you-mean from `configNames`.
public enum BalancerKind: CaseIterable, Sendable, Hashable {
    /// `sqf`, `fair`, `least-connection`: fewest in flight (the default).
    case shortestQueueFirst
    /// `round-robin`, `rr`: strict rotation.
    case roundRobin
    /// `hash`, `carp`: rendezvous hashing of host + path.
    case urlHash
    /// `sticky`: rendezvous hashing of the client IP.
    case sticky
    /// `static`: first backend that is up.
    case `static`
    /// `p2c`: power of two random choices.
    case powerOfTwoChoices
    /// `ewma`: peak-EWMA response time × (in flight + 1).
    case peakEWMA

    /// Every accepted spelling; the first one per kind is its canonical name.
    private static let table: [(name: String, kind: BalancerKind)] = [
        ("sqf", .shortestQueueFirst), ("fair", .shortestQueueFirst), ("least-connection", .shortestQueueFirst),
        ("round-robin", .roundRobin), ("rr", .roundRobin),
        ("hash", .urlHash), ("carp", .urlHash),
        ("sticky", .sticky),
        ("static", .static),
        ("p2c", .powerOfTwoChoices),
        ("ewma", .peakEWMA),
    ]

    /// The default of `proxy-core.balancer` (SPEC §4).
    public static let defaultKind = BalancerKind.shortestQueueFirst

    /// The kind a config value names, or nil for an unknown name.
    public init?(configName: String) {
        guard let row = Self.table.first(where: { $0.name == configName }) else { return nil }
        self = row.kind
    }

    /// Every accepted name, canonical names and aliases, in table order.
    public static var configNames: [String] { table.map(\.name) }

    /// The canonical name (`sqf`, `round-robin`, `hash`, …), as `sluice explain` and `server-status` print it.
    public var configName: String {
        Self.table.first { $0.kind == self }?.name ?? "sqf"
    }

    /// A fresh policy instance. `random` feeds the policies that draw (`p2c`).
    public func makeBalancer(random: any BalancerRandom) -> any LoadBalancer {
        switch self {
        case .shortestQueueFirst: ShortestQueueFirstBalancer()
        case .roundRobin: RoundRobinBalancer()
        case .urlHash: URLHashBalancer()
        case .sticky: StickyBalancer()
        case .static: StaticBalancer()
        case .powerOfTwoChoices: PowerOfTwoChoicesBalancer(random: random)
        case .peakEWMA: PeakEWMABalancer()
        }
    }
}
