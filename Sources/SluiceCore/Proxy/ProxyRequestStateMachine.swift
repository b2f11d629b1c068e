/// The life of one proxied request, as decisions: choose a backend, get a connection, send, stream the answer back,
/// and map every failure to what SPEC §4 says the client sees. The handler feeds it events and runs the `Action`s;
/// it owns no channel, no timer and no clock (time comes in as `now`, nanoseconds).
///
/// ```
/// choosingBackend ──► connecting ──► sendingRequest ──► awaitingResponse ──► streamingResponse ──► finished
///   ▲   │    ▲           │   │              └──── (early response) ─────────────────►┘
///   │   ▼    │           │   └─ 101 on an upgrade ──► tunnelling ──► finished
///   │  waitingForBackend │
///   └────────────────────┘ connect failed / backend failed: try another backend
/// ```
///
/// Failures (SPEC §4, lighttpd 1.4 gw_backend / 1.5 mod_proxy_core):
/// - connect refused or timed out: the backend is disabled (`BackendOutcome.connectFailure`) and another one is
///   chosen, nothing having been sent; after `maxConnectAttempts`, 503;
/// - no backend up: the request waits (the backlog) until one recovers, for at most `backendWaitLimit`, then 503
///   with `Retry-After`; a full backlog is 503 at once;
/// - the backend closes a *reused* keep-alive connection before any response byte: that is usually its idle
///   timeout racing with the request, so the request is sent once more on a fresh connection, if replaying it is
///   safe: an idempotent method (RFC 9110 §9.2.2: GET, HEAD, OPTIONS, TRACE, PUT, DELETE) and no request body
///   (a body was streamed and is gone; buffering bodies for replay is what SPEC's "no buffering" rules out).
///   A *fresh* connection closed before any response byte means the backend is failing: the same kind of
///   request goes to another backend (within `maxConnectAttempts`). Otherwise 502 (a `POST` is never retried);
/// - an unparsable response, or a `101` nobody asked for: 502; a read or write timeout: 504;
/// - any failure after the response head went out: the client connection is closed, never a fake success.
public struct ProxyRequestStateMachine: Sendable {
    public let configuration: Configuration
    /// RFC 9110 §9.2.2.
    public let isIdempotent: Bool
    public let hasRequestBody: Bool
    /// A WebSocket upgrade (`ForwardedRequestHeaders.isWebSocketUpgrade`): dedicated connection, tunnel on 101.
    public let isUpgrade: Bool

    private enum State: Sendable {
        case initial
        case choosingBackend
        case waitingForBackend
        case connecting
        case sendingRequest
        case awaitingResponse
        case streamingResponse(requestComplete: Bool)
        case tunnelling
        case finished
    }

    private var state = State.initial
    private var connectAttempts = 0
    /// The request holds a ticket on the chosen backend (from `backendChosen` until it is finished).
    private var holdsTicket = false
    /// The current connection carried requests before this one.
    private var connectionReused = false
    private var replayed = false
    /// When the request first found no backend up (the backlog wait is measured from here).
    private var waitingSince: UInt64?

    public init(method: String, hasRequestBody: Bool, isUpgrade: Bool = false,
                configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.isIdempotent = Self.isIdempotent(method)
        self.hasRequestBody = hasRequestBody
        self.isUpgrade = isUpgrade
    }

    /// RFC 9110 §9.2.2: the methods whose intended effect is the same however often they are sent.
    public static func isIdempotent(_ method: String) -> Bool {
        switch method {
        case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE": return true
        default: return false
        }
    }

    /// The request is over: every later event is ignored.
    public var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    // MARK: Choosing a backend

    public mutating func start() -> Action {
        guard case .initial = state else { return .none }
        state = .choosingBackend
        return .chooseBackend(finishing: nil)
    }

    /// The balancer chose a backend and the caller began a ticket on it.
    public mutating func backendChosen(now: UInt64) -> Action {
        guard case .choosingBackend = state else { return .none }
        state = .connecting
        holdsTicket = true
        waitingSince = nil
        connectAttempts += 1
        if isUpgrade { return .openDedicatedConnection }
        return .requestPooledConnection(fresh: false, waitDeadline: now &+ configuration.backendWaitLimit)
    }

    /// No backend is up. `nextRecovery`: when the first disabled one comes back by itself
    /// (`BackendGroup.nextRecovery`); `backlogHasRoom`: the caller could count this request against
    /// `max-backlog-size`.
    public mutating func noBackendAvailable(now: UInt64, nextRecovery: UInt64?, backlogHasRoom: Bool) -> Action {
        guard case .choosingBackend = state else { return .none }
        let since = waitingSince ?? now
        waitingSince = since
        let deadline = since &+ configuration.backendWaitLimit
        guard backlogHasRoom, now < deadline else {
            let reason = backlogHasRoom ? "no backend came up in time" : "no backend is up and the backlog is full"
            return finish(.respond(
                ErrorResponse(status: 503, retryAfter: retryAfter(now: now, recovery: nextRecovery), reason: reason),
                Cleanup(ticket: nil, connection: .none)))
        }
        state = .waitingForBackend
        return .waitForBackend(until: min(nextRecovery ?? deadline, deadline))
    }

    /// The wait of `.waitForBackend` is over: choose again.
    public mutating func backendWaitTimerFired(now: UInt64) -> Action {
        guard case .waitingForBackend = state else { return .none }
        state = .choosingBackend
        return .chooseBackend(finishing: nil)
    }

    // MARK: Connecting

    /// A connection is ready: leased from the pool (`reused` from `Lease.isReused`) or, for an upgrade, opened.
    public mutating func connected(reused: Bool) -> Action {
        guard case .connecting = state else { return .none }
        connectionReused = reused
        state = hasRequestBody ? .sendingRequest : .awaitingResponse
        return .sendRequestHead
    }

    /// Opening the request's own connection failed (refused, unreachable, connect timeout). For pooled
    /// connections the pool reports `connectionUnavailable(.backendFailed)` instead.
    public mutating func connectFailed(now: UInt64) -> Action {
        guard case .connecting = state else { return .none }
        return tryAnotherBackend(finishing: .connectFailure, now: now)
    }

    /// The pool will not provide a connection.
    public mutating func connectionUnavailable(_ reason: Unavailability, now: UInt64) -> Action {
        guard case .connecting = state else { return .none }
        switch reason {
        case .backendFailed:
            // The pool's connect failed; the caller marked the backend once, this ticket only lets go.
            return tryAnotherBackend(finishing: .abandoned, now: now)
        case .backlogFull:
            return finish(.respond(
                ErrorResponse(status: 503, retryAfter: configuration.retryAfter, reason: "the backend's backlog is full"),
                Cleanup(ticket: .abandoned, connection: .none)))
        case .shuttingDown:
            return finish(.respond(
                ErrorResponse(status: 503, retryAfter: configuration.retryAfter, reason: "shutting down"),
                Cleanup(ticket: .abandoned, connection: .none)))
        }
    }

    /// The request waited for a pooled connection until its `waitDeadline`.
    public mutating func connectionWaitTimedOut(now: UInt64) -> Action {
        guard case .connecting = state, !isUpgrade else { return .none }
        return finish(.respond(
            ErrorResponse(status: 503, retryAfter: configuration.retryAfter, reason: "no backend connection became free in time"),
            Cleanup(ticket: .abandoned, connection: .cancelWait)))
    }

    // MARK: Exchange

    /// The whole request body has been written to the backend.
    public mutating func requestBodySent() -> Action {
        switch state {
        case .sendingRequest: state = .awaitingResponse
        case .streamingResponse(requestComplete: false): state = .streamingResponse(requestComplete: true)
        default: break
        }
        return .none
    }

    /// The backend sent a response head with `status`.
    public mutating func responseHead(status: Int) -> Action {
        let requestComplete: Bool
        switch state {
        case .sendingRequest: requestComplete = false
        case .awaitingResponse: requestComplete = true
        default: return .none
        }
        switch status {
        case 101:
            guard isUpgrade else {
                return finish(failBeforeResponse(502, "the backend switched protocols unasked"))
            }
            state = .tunnelling
            return .startTunnel
        case 100:
            // Sluice answered `100 Continue` itself (Expect is not forwarded): another one means nothing.
            return .none
        case 102...199:
            return .forwardInterimResponse
        default:
            state = .streamingResponse(requestComplete: requestComplete)
            return .forwardResponseHead
        }
    }

    /// A part of the response body arrived.
    public mutating func responseBodyPart() -> Action {
        guard case .streamingResponse = state else { return .none }
        return .forwardResponseBodyPart
    }

    /// The response is complete. `reusable`: it was well-formed and neither side asked to close.
    public mutating func responseEnd(reusable: Bool) -> Action {
        guard case .streamingResponse(let requestComplete) = state else { return .none }
        // A backend that answered before reading the whole request body leaves the connection mid-request, and
        // the client's unread body stands between Sluice and the client's next request: close both.
        return finish(.finishResponse(
            backendReusable: reusable && requestComplete && !isUpgrade, closeClient: !requestComplete))
    }

    /// The backend's response could not be parsed (bad status line, framing, header bytes: SPEC §4 hygiene).
    public mutating func malformedResponse() -> Action {
        switch state {
        case .sendingRequest, .awaitingResponse:
            return finish(failBeforeResponse(502, "malformed response from the backend"))
        case .streamingResponse:
            return finish(.closeClient(Cleanup(ticket: .failure, connection: .release(reusable: false))))
        default:
            return .none
        }
    }

    // MARK: Timeouts and closes

    /// `proxy-core.read-timeout`: the backend sent nothing for that long while a response was due. Tunnels have
    /// no read timeout (a quiet WebSocket is normal).
    public mutating func readTimeout() -> Action {
        switch state {
        case .sendingRequest, .awaitingResponse:
            return finish(failBeforeResponse(504, "the backend did not answer in time"))
        case .streamingResponse:
            return finish(.closeClient(Cleanup(ticket: .failure, connection: .release(reusable: false))))
        default:
            return .none
        }
    }

    /// `proxy-core.write-timeout`: the backend accepted none of the request body for that long.
    public mutating func writeTimeout() -> Action {
        switch state {
        case .sendingRequest:
            return finish(failBeforeResponse(504, "the backend did not read the request in time"))
        case .streamingResponse(requestComplete: false):
            return finish(.closeClient(Cleanup(ticket: .failure, connection: .release(reusable: false))))
        default:
            return .none
        }
    }

    /// The client went away.
    public mutating func clientClosed() -> Action {
        switch state {
        case .initial, .choosingBackend, .waitingForBackend:
            return finish(.closeClient(Cleanup(ticket: holdsTicket ? .abandoned : nil, connection: .none)))
        case .connecting:
            return finish(.closeClient(Cleanup(
                ticket: .abandoned, connection: isUpgrade ? .none : .cancelWait)))
        case .sendingRequest, .awaitingResponse, .streamingResponse:
            return finish(.closeClient(Cleanup(ticket: .abandoned, connection: .release(reusable: false))))
        case .tunnelling:
            return finish(.closeClient(Cleanup(ticket: .success, connection: .release(reusable: false))))
        case .finished:
            return .none
        }
    }

    /// The backend connection closed (or reset) before the exchange was complete.
    public mutating func backendClosed(now: UInt64) -> Action {
        switch state {
        case .connecting:
            return isUpgrade ? connectFailed(now: now) : .none
        case .sendingRequest, .awaitingResponse:
            if connectionReused && !replayed && isIdempotent && !hasRequestBody {
                replayed = true
                state = .connecting
                return .requestPooledConnection(fresh: true, waitDeadline: now &+ configuration.backendWaitLimit)
            }
            if isIdempotent && !hasRequestBody && !isUpgrade {
                // A fresh connection closed with nothing answered: the backend is failing (crashed,
                // restarting). Nothing reached the client, so the request goes to another backend, as
                // nginx's `proxy_next_upstream error` does, within the attempt limit.
                return tryAnotherBackend(finishing: .failure, now: now)
            }
            return finish(failBeforeResponse(502, "the backend closed the connection before answering"))
        case .streamingResponse:
            return finish(.closeClient(Cleanup(ticket: .failure, connection: .release(reusable: false))))
        case .tunnelling:
            return finish(.closeClient(Cleanup(ticket: .success, connection: .release(reusable: false))))
        case .initial, .choosingBackend, .waitingForBackend, .finished:
            return .none
        }
    }

    // MARK: Helpers

    private mutating func tryAnotherBackend(finishing outcome: BackendOutcome, now: UInt64) -> Action {
        holdsTicket = false
        guard connectAttempts < configuration.maxConnectAttempts else {
            return finish(.respond(
                ErrorResponse(status: 503, retryAfter: configuration.retryAfter,
                              reason: "no backend accepted a connection after \(connectAttempts) attempts"),
                Cleanup(ticket: outcome, connection: .none)))
        }
        state = .choosingBackend
        return .chooseBackend(finishing: outcome)
    }

    /// A failure after connecting and before any response byte went to the client: the connection is unusable.
    private func failBeforeResponse(_ status: Int, _ reason: String) -> Action {
        .respond(ErrorResponse(status: status, reason: reason),
                 Cleanup(ticket: .failure, connection: .release(reusable: false)))
    }

    private mutating func finish(_ action: Action) -> Action {
        state = .finished
        holdsTicket = false
        return action
    }

    /// Seconds until `recovery` (rounded up), else the configured value.
    private func retryAfter(now: UInt64, recovery: UInt64?) -> Int {
        guard let recovery, recovery > now else { return configuration.retryAfter }
        let seconds = (recovery - now + 999_999_999) / 1_000_000_000
        return Int(clamping: max(1, seconds))
    }
}
