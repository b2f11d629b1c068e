extension UpstreamPoolStateMachine {
    /// A backend connection, numbered by the pool when it asks for one to be opened.
    public struct ConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
        public let rawValue: Int
        public init(_ rawValue: Int) { self.rawValue = rawValue }
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
        public var description: String { "c\(rawValue)" }
    }

    /// An event loop, numbered by the caller (e.g. its index in the group). A connection lives on one loop.
    public struct EventLoopID: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int
        public init(_ rawValue: Int) { self.rawValue = rawValue }
        public var description: String { "loop\(rawValue)" }
    }

    /// A request waiting for a connection, numbered by the caller (unique among the pool's waiters).
    public struct RequestID: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int
        public init(_ rawValue: Int) { self.rawValue = rawValue }
        public var description: String { "r\(rawValue)" }
    }

    /// The pool's limits (SPEC §4), times in nanoseconds.
    public struct Configuration: Sendable, Equatable {
        /// `proxy-core.max-pool-size` (default 64): connections to this backend, idle + busy + connecting, shared
        /// by all event loops (at least 1).
        public var maxPoolSize: Int
        /// `proxy-core.max-keep-alive-requests` (default 1000): requests one connection carries before it is
        /// retired. As in lighttpd 1.5, a connection is reused only while it has carried fewer than this, so 0
        /// and 1 both mean "never reuse".
        public var maxKeepAliveRequests: Int
        /// `proxy-core.max-backlog-size` (default 1024): requests that may wait for a busy pool before 503.
        /// Requests waiting for a connection being opened for them are not counted.
        public var maxBacklogSize: Int
        /// How long a connection may sit idle before the pool closes it (default 60 s, nginx's upstream
        /// `keepalive_timeout`). Backends with a shorter keep-alive timeout close first; the request machine
        /// retries the idempotent requests that race with such a close.
        public var idleTimeout: UInt64

        public static let defaultIdleTimeout: UInt64 = 60_000_000_000

        public init(maxPoolSize: Int = 64, maxKeepAliveRequests: Int = 1000, maxBacklogSize: Int = 1024,
                    idleTimeout: UInt64 = Self.defaultIdleTimeout) {
            self.maxPoolSize = max(1, maxPoolSize)
            self.maxKeepAliveRequests = maxKeepAliveRequests
            self.maxBacklogSize = max(0, maxBacklogSize)
            self.idleTimeout = idleTimeout
        }

        /// The limits `proxy-core.*` sets for a request's block.
        public init(_ proxy: ResolvedProxy, idleTimeout: UInt64 = Self.defaultIdleTimeout) {
            self.init(maxPoolSize: proxy.maxPoolSize, maxKeepAliveRequests: proxy.maxKeepAliveRequests,
                      maxBacklogSize: proxy.maxBacklogSize, idleTimeout: idleTimeout)
        }
    }

    /// A request gets a connection.
    public struct Lease: Hashable, Sendable {
        public var request: RequestID
        public var connection: ConnectionID
        /// The connection's event loop; it may differ from the request's (the handler hops over).
        public var eventLoop: EventLoopID
        /// The connection carried a request before: a close before any response byte may be the backend's
        /// keep-alive timeout racing with this request (see `ProxyRequestStateMachine`).
        public var isReused: Bool

        public init(request: RequestID, connection: ConnectionID, eventLoop: EventLoopID, isReused: Bool) {
            self.request = request
            self.connection = connection
            self.eventLoop = eventLoop
            self.isReused = isReused
        }
    }

    /// What to do for requests.
    public enum RequestAction: Hashable, Sendable {
        case none
        /// Run the request on the connection.
        case lease(Lease)
        /// The backlog is full: answer 503 with `Retry-After` (`connectionUnavailable(.backlogFull)`).
        case reject(RequestID)
        /// The backend failed to connect: these waiters go back to the balancer (`connectionUnavailable`
        /// `.backendFailed` on their request machines); the caller marks the backend failed once.
        case moveToAnotherBackend([RequestID])
        /// The pool is shutting down: these requests get 503 (`connectionUnavailable(.shuttingDown)`).
        case fail([RequestID])
    }

    /// What to do with connections.
    public enum ConnectionAction: Hashable, Sendable {
        case none
        /// Open a connection on the loop; report `connectionEstablished` or `connectionFailed`.
        case create(ConnectionID, on: EventLoopID)
        /// Close it (no need to report `connectionClosed` after).
        case close(ConnectionID)
        /// Close one and open another (a retired or unusable connection replaced for a waiter).
        case closeAndCreate(close: ConnectionID, create: ConnectionID, on: EventLoopID)
        /// Close these idle connections.
        case closeAll([ConnectionID])
    }

    /// Everything one event asks of the caller. Run it after releasing the pool's lock.
    public struct Action: Hashable, Sendable {
        public var request: RequestAction
        public var connection: ConnectionAction
        /// Schedule `idleTimerFired(now:)` at this instant. The pool asks only while no timer of its own is
        /// pending, so at most one is outstanding per pool, not one per request.
        public var scheduleIdleTimer: UInt64?

        public init(request: RequestAction = .none, connection: ConnectionAction = .none,
                    scheduleIdleTimer: UInt64? = nil) {
            self.request = request
            self.connection = connection
            self.scheduleIdleTimer = scheduleIdleTimer
        }

        public static let none = Action()
    }

    /// Counts for `server-status`.
    public struct Snapshot: Hashable, Sendable {
        public var idle: Int
        public var leased: Int
        public var connecting: Int
        public var waiting: Int
    }
}
