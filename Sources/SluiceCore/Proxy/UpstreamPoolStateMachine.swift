/// The keep-alive connections to one backend, as decisions: which connection a request gets, when to open or
/// close one, who waits. No I/O and no NIO types: connections, event loops and requests are opaque numbers, time
/// is injected (`now`, nanoseconds), and every event returns an `Action` the caller runs.
///
/// One machine per backend, shared by every event loop (`proxy-core.max-pool-size` is per backend, not per
/// thread), so the caller keeps it in a `Mutex`, mutates it inside `withLock` and runs the returned action after
/// unlocking (async-http-client's `HTTPConnectionPool` does the same; this is written for lighttpd 1.5's pool
/// semantics).
///
/// Policy:
/// - a request takes an idle connection of its own event loop if there is one (no thread hop), else any idle
///   connection, else the pool opens one on the request's loop while it has fewer than `maxPoolSize`
///   (idle + busy + connecting), else the request waits in a FIFO backlog of `maxBacklogSize`, else it is
///   rejected (503). Idle connections are taken most-recently-used first, so under falling load the oldest ones
///   reach the idle timeout and the pool shrinks;
/// - a connection returns to the pool only after a complete, well-formed response (`reusable`) and only while it
///   has carried fewer than `maxKeepAliveRequests` requests; otherwise it is closed, and a waiter gets a new one;
/// - a released or new connection goes to the oldest waiter, whatever its loop (fairness before locality);
/// - idle connections are closed after `idleTimeout`; one timer per pool does it (`idleTimerFired`);
/// - a failed connect means the backend is failing (the caller marks it for `disable-time`); every waiter is
///   handed back to choose another backend rather than wait for one that refuses;
/// - `shutdown` closes idle connections, fails the waiters, and closes busy ones as they come back.
public struct UpstreamPoolStateMachine: Sendable {
    public let configuration: Configuration

    private enum ConnectionState: Sendable {
        case connecting
        case idle(since: UInt64)
        case leased
    }

    private struct Connection: Sendable {
        var eventLoop: EventLoopID
        var state: ConnectionState
        /// Requests carried so far (the current one included while leased).
        var uses: Int
    }

    /// `IDTable` keyed by `ConnectionID`.
    private struct Connections: Sendable {
        private var table = IDTable<Connection>()
        var count: Int { table.count }
        var isEmpty: Bool { table.isEmpty }
        subscript(id: ConnectionID) -> Connection? {
            get { table[id.rawValue] }
            set { table[id.rawValue] = newValue }
        }
    }

    private struct Waiter: Sendable {
        var request: RequestID
        var eventLoop: EventLoopID
        /// Retrying after a reused connection failed: only a newly opened connection will do.
        var fresh: Bool
    }

    private enum State: Sendable {
        case running
        case shuttingDown
    }

    private var state = State.running
    private var connections = Connections()
    /// Idle connections per event loop (indexed by `EventLoopID.rawValue`), most recently released last.
    private var idle: [[ConnectionID]] = []
    private var idleCount = 0
    private var connectingCount = 0
    private var waiters = FIFOQueue<Waiter>()
    private var nextConnectionID = 0
    private var idleTimerPending = false

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    // MARK: Requests

    /// A request on `eventLoop` needs a connection. `fresh`: only a newly opened one (the retry after a reused
    /// connection closed under the request, see `ProxyRequestStateMachine`).
    public mutating func requestConnection(
        _ request: RequestID, on eventLoop: EventLoopID, fresh: Bool = false, now: UInt64
    ) -> Action {
        guard case .running = state else { return Action(request: .fail([request])) }
        if !fresh, let connection = takeIdle(preferring: eventLoop), let lease = lease(connection, to: request) {
            return Action(request: .lease(lease))
        }
        let waiter = Waiter(request: request, eventLoop: eventLoop, fresh: fresh)
        if connections.count < configuration.maxPoolSize {
            waiters.append(waiter)
            return Action(connection: .create(openConnection(on: eventLoop), on: eventLoop))
        }
        if fresh, let stale = takeOldestIdle() {
            // Make room: an idle connection of a backend that just dropped one is the likeliest to be dead too.
            connections[stale] = nil
            waiters.append(waiter)
            let created = openConnection(on: eventLoop)
            return Action(connection: .closeAndCreate(close: stale, create: created, on: eventLoop))
        }
        guard backlogCount < configuration.maxBacklogSize else { return Action(request: .reject(request)) }
        waiters.append(waiter)
        return .none
    }

    /// The request gave up waiting (client gone, wait deadline). Harmless if it is not waiting.
    public mutating func cancelRequest(_ request: RequestID) -> Action {
        _ = waiters.removeFirst { $0.request == request }
        return .none
    }

    // MARK: Connections

    /// A connection the pool asked for is open.
    public mutating func connectionEstablished(_ id: ConnectionID, now: UInt64) -> Action {
        guard var connection = connections[id], case .connecting = connection.state else { return .none }
        connectingCount -= 1
        guard case .running = state else {
            connections[id] = nil
            return Action(connection: .close(id))
        }
        if let waiter = waiters.popFirst() {
            connection.state = .leased
            connection.uses = 1
            connections[id] = connection
            let lease = Lease(request: waiter.request, connection: id, eventLoop: connection.eventLoop, isReused: false)
            return Action(request: .lease(lease))
        }
        connections[id] = connection
        return Action(scheduleIdleTimer: makeIdle(id, now: now))
    }

    /// Opening a connection failed (refused, unreachable, connect timeout). The caller marks the backend failed
    /// (`BackendHealth.connectFailed`) once; the waiters go to another backend.
    public mutating func connectionFailed(_ id: ConnectionID, now: UInt64) -> Action {
        guard let connection = connections[id], case .connecting = connection.state else { return .none }
        connections[id] = nil
        connectingCount -= 1
        guard case .running = state, !waiters.isEmpty else { return .none }
        return Action(request: .moveToAnotherBackend(waiters.removeAll().map(\.request)))
    }

    /// A request is done with its connection. `reusable`: the response was complete and well-formed, and
    /// neither side asked to close (no `Connection: close`, no upgrade, no error).
    public mutating func connectionReleased(_ id: ConnectionID, reusable: Bool, now: UInt64) -> Action {
        guard var connection = connections[id], case .leased = connection.state else { return .none }
        guard case .running = state else {
            connections[id] = nil
            return Action(connection: .close(id))
        }
        guard reusable && connection.uses < configuration.maxKeepAliveRequests else {
            connections[id] = nil
            if let waiter = uncoveredWaiter() {
                let created = openConnection(on: waiter.eventLoop)
                return Action(connection: .closeAndCreate(close: id, create: created, on: waiter.eventLoop))
            }
            return Action(connection: .close(id))
        }
        if let first = waiters.first {
            if first.fresh && connectingCount == 0 {
                // A fresh waiter takes no reused connection: replace this one with a new one for it.
                connections[id] = nil
                let created = openConnection(on: first.eventLoop)
                return Action(connection: .closeAndCreate(close: id, create: created, on: first.eventLoop))
            }
            // A fresh waiter at the head is served by the connection being opened; the next one takes this.
            if let waiter = waiters.removeFirst(where: { !$0.fresh }) {
                connection.uses += 1
                connections[id] = connection
                let lease = Lease(
                    request: waiter.request, connection: id, eventLoop: connection.eventLoop, isReused: true)
                return Action(request: .lease(lease))
            }
        }
        connections[id] = connection
        return Action(scheduleIdleTimer: makeIdle(id, now: now))
    }

    /// A connection closed on its own (the backend closed an idle one, or the channel went away while leased).
    /// A connect that fails is `connectionFailed` instead.
    public mutating func connectionClosed(_ id: ConnectionID, now: UInt64) -> Action {
        guard let connection = connections[id] else { return .none }
        switch connection.state {
        case .connecting:
            return connectionFailed(id, now: now)
        case .idle:
            removeIdle(id, on: connection.eventLoop)
        case .leased:
            break
        }
        connections[id] = nil
        guard case .running = state, let waiter = uncoveredWaiter() else { return .none }
        return Action(connection: .create(openConnection(on: waiter.eventLoop), on: waiter.eventLoop))
    }

    /// The idle timer fired: close connections idle for `idleTimeout` or longer.
    public mutating func idleTimerFired(now: UInt64) -> Action {
        idleTimerPending = false
        var expired: [ConnectionID] = []
        var nextExpiry: UInt64?
        for list in idle {
            for id in list {
                guard case .idle(let since) = connections[id]?.state else { continue }
                let expiry = since &+ configuration.idleTimeout
                if expiry <= now {
                    expired.append(id)
                } else {
                    nextExpiry = min(nextExpiry ?? .max, expiry)
                }
            }
        }
        if !expired.isEmpty {
            for id in expired {
                if let loop = connections[id]?.eventLoop { removeIdle(id, on: loop) }
                connections[id] = nil
            }
        }
        if nextExpiry != nil { idleTimerPending = true }
        return Action(connection: expired.isEmpty ? .none : .closeAll(expired.sorted()),
                      scheduleIdleTimer: nextExpiry)
    }

    /// Stop: close the idle connections, fail the waiters (503); busy connections close when released, and
    /// opening ones when they open. `isShutDown` turns true when the last one is gone.
    public mutating func shutdown() -> Action {
        guard case .running = state else { return .none }
        state = .shuttingDown
        var closing: [ConnectionID] = []
        for list in idle { closing.append(contentsOf: list) }
        for id in closing { connections[id] = nil }
        idle = []
        idleCount = 0
        let failed = waiters.removeAll().map(\.request)
        return Action(request: failed.isEmpty ? .none : .fail(failed),
                      connection: closing.isEmpty ? .none : .closeAll(closing.sorted()))
    }

    /// Shut down and every connection is gone.
    public var isShutDown: Bool {
        if case .shuttingDown = state { return connections.isEmpty }
        return false
    }

    public var snapshot: Snapshot {
        Snapshot(idle: idleCount, leased: connections.count - idleCount - connectingCount,
                 connecting: connectingCount, waiting: waiters.count)
    }

    // MARK: Helpers

    /// Waiters beyond those a connection being opened will serve: the backlog `maxBacklogSize` bounds.
    private var backlogCount: Int { max(0, waiters.count - connectingCount) }

    /// The oldest waiter no opening connection is going to serve, if any.
    private func uncoveredWaiter() -> Waiter? {
        guard waiters.count > connectingCount, connections.count < configuration.maxPoolSize else { return nil }
        return waiters.first
    }

    private mutating func openConnection(on eventLoop: EventLoopID) -> ConnectionID {
        let id = ConnectionID(nextConnectionID)
        nextConnectionID += 1
        connections[id] = Connection(eventLoop: eventLoop, state: .connecting, uses: 0)
        connectingCount += 1
        return id
    }

    /// Nil only if the idle lists and the table disagreed, which they never do.
    private mutating func lease(_ id: ConnectionID, to request: RequestID) -> Lease? {
        guard var connection = connections[id] else { return nil }
        connection.state = .leased
        connection.uses += 1
        connections[id] = connection
        return Lease(request: request, connection: id, eventLoop: connection.eventLoop, isReused: connection.uses > 1)
    }

    /// Parks a connection; returns when to run the idle timer if none is pending.
    private mutating func makeIdle(_ id: ConnectionID, now: UInt64) -> UInt64? {
        guard var connection = connections[id] else { return nil }
        connection.state = .idle(since: now)
        connections[id] = connection
        let loop = connection.eventLoop.rawValue
        if loop >= idle.count { idle += Array(repeating: [], count: loop + 1 - idle.count) }
        idle[loop].append(id)
        idleCount += 1
        guard !idleTimerPending else { return nil }
        idleTimerPending = true
        return now &+ configuration.idleTimeout
    }

    /// The most recently released idle connection of `eventLoop`, else of any loop.
    private mutating func takeIdle(preferring eventLoop: EventLoopID) -> ConnectionID? {
        guard idleCount > 0 else { return nil }
        var loop = eventLoop.rawValue
        if loop >= idle.count || idle[loop].isEmpty {
            guard let other = idle.firstIndex(where: { !$0.isEmpty }) else { return nil }
            loop = other
        }
        idleCount -= 1
        return idle[loop].removeLast()
    }

    /// The idle connection that has waited longest, removed from the idle lists (not from `connections`).
    private mutating func takeOldestIdle() -> ConnectionID? {
        var oldest: (id: ConnectionID, since: UInt64)?
        for list in idle {
            for id in list {
                if case .idle(let since) = connections[id]?.state, since < (oldest?.since ?? .max) {
                    oldest = (id, since)
                }
            }
        }
        guard let oldest, let loop = connections[oldest.id]?.eventLoop else { return nil }
        removeIdle(oldest.id, on: loop)
        return oldest.id
    }

    private mutating func removeIdle(_ id: ConnectionID, on eventLoop: EventLoopID) {
        let loop = eventLoop.rawValue
        guard loop < idle.count, let index = idle[loop].firstIndex(of: id) else { return }
        idle[loop].remove(at: index)
        idleCount -= 1
    }
}
