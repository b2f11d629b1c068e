extension ProxyRequestStateMachine {
    /// Limits of one proxied request, times in nanoseconds.
    public struct Configuration: Sendable, Hashable {
        /// Connect attempts (each on a backend the balancer picks, failed ones being disabled) before 503. A
        /// bound even when `disable-time` is 0 and a refusing backend stays "up".
        public var maxConnectAttempts: Int
        /// How long a request may wait for a backend to come back up, and for a busy pool to free a connection
        /// (`proxy-core.connect-timeout`, default 5 s): lighttpd 1.5 keeps such requests in its backlog for a
        /// bounded time, then answers.
        public var backendWaitLimit: UInt64
        /// `Retry-After` of a 503 when no recovery time is known (`proxy-core.disable-time`, at least 1 s).
        public var retryAfter: Int

        public init(maxConnectAttempts: Int = 5, backendWaitLimit: UInt64 = 5_000_000_000, retryAfter: Int = 1) {
            self.maxConnectAttempts = max(1, maxConnectAttempts)
            self.backendWaitLimit = backendWaitLimit
            self.retryAfter = max(1, retryAfter)
        }

        /// From `proxy-core.*`: every backend may be tried about twice (before and after a recovery wait), and
        /// at least 5 attempts as lighttpd 1.4 makes.
        public init(_ proxy: ResolvedProxy, backendCount: Int) {
            self.init(maxConnectAttempts: max(5, 2 * backendCount),
                      backendWaitLimit: UInt64(max(0, proxy.connectTimeout)) * 1_000_000_000,
                      retryAfter: proxy.disableTime)
        }
    }

    /// Why a pooled connection did not come (from `UpstreamPoolStateMachine` actions).
    public enum Unavailability: Sendable, Hashable {
        /// `moveToAnotherBackend`: the backend failed to connect.
        case backendFailed
        /// `reject`: the pool's backlog is full.
        case backlogFull
        /// `fail`: the pool is shutting down.
        case shuttingDown
    }

    /// The answer Sluice makes itself when the exchange fails before the backend's response started.
    public struct ErrorResponse: Sendable, Hashable {
        /// 502, 503 or 504 (SPEC §4 "Failures").
        public var status: Int
        /// `Retry-After` seconds, for 503.
        public var retryAfter: Int?
        /// For the error log.
        public var reason: String

        public init(status: Int, retryAfter: Int? = nil, reason: String) {
            self.status = status
            self.retryAfter = retryAfter
            self.reason = reason
        }
    }

    /// What becomes of the backend side when the exchange ends.
    public struct Cleanup: Sendable, Hashable {
        /// Finish the `BackendTicket` with this outcome; nil when the request holds none.
        public var ticket: BackendOutcome?
        public var connection: ConnectionDisposition

        public init(ticket: BackendOutcome?, connection: ConnectionDisposition) {
            self.ticket = ticket
            self.connection = connection
        }
    }

    public enum ConnectionDisposition: Sendable, Hashable {
        /// No connection is held or awaited.
        case none
        /// Waiting in the pool: `UpstreamPoolStateMachine.cancelRequest`.
        case cancelWait
        /// Hand the connection back: `connectionReleased(reusable:)` for a pooled one; a dedicated (tunnel)
        /// connection is closed whatever `reusable` says.
        case release(reusable: Bool)
    }

    /// What the handler does next.
    public enum Action: Sendable, Hashable {
        case none
        /// Ask the balancer for a backend (down ones are skipped) and start a ticket on it, then report
        /// `backendChosen(now:)` or `noBackendAvailable(now:nextRecovery:backlogHasRoom:)`. First finish the
        /// ticket of the backend tried before with `finishing`, if set.
        case chooseBackend(finishing: BackendOutcome?)
        /// No backend is up: park the request (it counts against `max-backlog-size`) and call
        /// `backendWaitTimerFired(now:)` at `until`.
        case waitForBackend(until: UInt64)
        /// Ask the chosen backend's pool for a connection (`fresh`: a newly opened one). If the request still
        /// waits at `waitDeadline`, call `connectionWaitTimedOut(now:)`.
        case requestPooledConnection(fresh: Bool, waitDeadline: UInt64)
        /// Open a connection of the request's own (a WebSocket upgrade: never pooled, never counted against
        /// `max-pool-size`, so tunnels cannot starve plain requests).
        case openDedicatedConnection
        /// Write the request head (`ForwardedRequestHeaders`), then stream the body with back-pressure and report
        /// `requestBodySent()` when it is all written (at once when there is no body).
        case sendRequestHead
        /// Pass a 1xx interim response (102, 103) on to the client (RFC 9110 §15.2: a proxy forwards them).
        case forwardInterimResponse
        /// Send the response head (`ProxiedResponseHeaders`) to the client now: no buffering.
        case forwardResponseHead
        /// Send this body part to the client and flush.
        case forwardResponseBodyPart
        /// Send the `101` head, then tunnel bytes both ways with back-pressure and half-close.
        case startTunnel
        /// The response is complete: end it to the client (closing the client connection after it when
        /// `closeClient`), finish the ticket with `.success`, and release the backend connection.
        case finishResponse(backendReusable: Bool, closeClient: Bool)
        /// Answer the client with an error of Sluice's own (error page from `server.errorfile-prefix`).
        case respond(ErrorResponse, Cleanup)
        /// Close the client connection without (more of) a response: the client is gone, or the backend failed
        /// after the response started (never a fake success, SPEC §4).
        case closeClient(Cleanup)
    }
}
