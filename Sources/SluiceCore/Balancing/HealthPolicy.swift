/// How a backend's health is judged: `proxy-core.disable-time`, passive failure counting and the optional active
/// check (`proxy-core.health-check`, `proxy-core.health-check-interval`). Times are nanoseconds.
public struct HealthPolicy: Sendable, Equatable {
    /// How long a backend is skipped after a connect failure (`proxy-core.disable-time`, default 1 s, as in
    /// lighttpd 1.4 and 1.5).
    public var disableTime: UInt64

    /// Consecutive failed requests (errors, timeouts) after which the backend is skipped for `disableTime`, like
    /// nginx's `max_fails`. nil (the default) keeps lighttpd's behaviour: only connect failures disable.
    public var consecutiveFailureLimit: Int?

    /// The optional active check; nil (the default) means none, as in lighttpd.
    public var activeCheck: ActiveHealthCheck?

    public init(disableTime: UInt64 = 1_000_000_000, consecutiveFailureLimit: Int? = nil,
                activeCheck: ActiveHealthCheck? = nil) {
        self.disableTime = disableTime
        self.consecutiveFailureLimit = consecutiveFailureLimit
        self.activeCheck = activeCheck
    }
}

/// `proxy-core.health-check = "/path"` with `proxy-core.health-check-interval` (default 5 s): `GET path` on each
/// backend; a non-2xx or no answer marks it down, a 2xx up. The I/O lives in the server; `BackendHealth` keeps
/// the schedule and the state.
public struct ActiveHealthCheck: Sendable, Equatable {
    /// The path requested, e.g. `/health`.
    public var path: String
    /// Nanoseconds between two checks of one backend.
    public var interval: UInt64

    public init(path: String, interval: UInt64 = 5_000_000_000) {
        self.path = path
        self.interval = interval
    }
}
