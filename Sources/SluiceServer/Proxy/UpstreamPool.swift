import LighttpdConfig
import Logging
import NIOCore
import SluiceCore
import Synchronization

/// The keep-alive connections to one backend, shared by every event loop (`proxy-core.max-pool-size` counts
/// them all). Decisions are `UpstreamPoolStateMachine`'s, made under a lock; the I/O they ask for (connect,
/// close, hand a connection to a waiting request, schedule the idle sweep) runs after the lock is released.
final class UpstreamPool: Sendable {
    typealias Machine = UpstreamPoolStateMachine

    struct Leased: @unchecked Sendable {
        var connection: UpstreamConnection
        var isReused: Bool
    }

    enum LeaseError: Error {
        /// Every connection is busy and the wait queue is full (503).
        case backlogFull
        /// Connecting failed: try another backend.
        case backendFailed
        case shuttingDown
    }

    let backend: Backend
    let address: ResolvedBackend.Address
    private let loops: [EventLoop]
    /// The loops' identities, in `loops` order: found by a scan (a handful of loops), not a hashed lookup.
    private let loopIdentities: [ObjectIdentifier]
    private let connectTimeout: TimeAmount
    /// Connect failures are logged here (with the backend and the cause), once per attempt.
    private let errorLog: Logger
    private let disableTime: Int
    private let backendProtocol: BackendProtocol
    private let state: Mutex<State>

    private struct State: @unchecked Sendable {
        var machine: Machine
        var connections = IDTable<UpstreamConnection>()
        var waiters: [Machine.RequestID: EventLoopPromise<Leased>] = [:]
        var nextID = 0
        var idleTimer: Scheduled<Void>?
    }

    init(backend: Backend, address: ResolvedBackend.Address, group: EventLoopGroup, proxy: ResolvedProxy, errorLog: Logger) {
        self.backend = backend
        self.errorLog = errorLog
        disableTime = proxy.disableTime
        backendProtocol = proxy.backendProtocol
        self.address = address
        loops = Array(group.makeIterator())
        loopIdentities = loops.map { ObjectIdentifier($0) }
        connectTimeout = .seconds(Int64(max(1, proxy.connectTimeout)))
        state = Mutex(State(machine: Machine(configuration: .init(proxy))))
    }

    private func loopID(_ loop: EventLoop) -> Machine.EventLoopID {
        Machine.EventLoopID(loopIdentities.firstIndex(of: ObjectIdentifier(loop)) ?? 0)
    }

    private static var now: UInt64 { NIODeadline.now().uptimeNanoseconds }

    /// What `lease` gives: an idle connection at once, or a wait.
    enum LeaseOutcome {
        case leased(Leased)
        /// `id` cancels the wait.
        case waiting(id: Machine.RequestID, EventLoopFuture<Leased>)
    }

    /// Asks for a connection for a request on `eventLoop`; `fresh` refuses idle ones (the retry after a
    /// reused connection failed). An idle connection comes back at once, without a promise: that is the case of
    /// nearly every request to a busy backend.
    func lease(on eventLoop: EventLoop, fresh: Bool) -> LeaseOutcome {
        let (outcome, action) = state.withLock { state -> (LeaseOutcome, Machine.Action) in
            state.nextID += 1
            let id = Machine.RequestID(state.nextID)
            var action = state.machine.requestConnection(id, on: loopID(eventLoop), fresh: fresh, now: Self.now)
            if case .lease(let lease) = action.request, lease.request == id,
                let connection = state.connections[lease.connection.rawValue]
            {
                action.request = .none
                return (.leased(Leased(connection: connection, isReused: lease.isReused)), action)
            }
            // Registered under the same lock as the machine's waiter, so a connection opened meanwhile on another
            // loop finds the promise to hand itself to.
            let promise = eventLoop.makePromise(of: Leased.self)
            state.waiters[id] = promise
            return (.waiting(id: id, promise.futureResult), action)
        }
        run(action)
        return outcome
    }

    func cancel(_ request: Machine.RequestID) {
        let (action, waiter) = state.withLock { state in
            (state.machine.cancelRequest(request), state.waiters.removeValue(forKey: request))
        }
        waiter?.fail(LeaseError.shuttingDown)
        run(action)
    }

    /// The exchange is done with `connection`; `reusable` when the response was complete and well-formed.
    func release(_ connection: UpstreamConnection, reusable: Bool) {
        let action = state.withLock { $0.machine.connectionReleased(connection.id, reusable: reusable, now: Self.now) }
        run(action)
    }

    func shutdown() {
        let action = state.withLock { $0.machine.shutdown() }
        run(action)
    }

    var snapshot: Machine.Snapshot { state.withLock { $0.machine.snapshot } }

    // MARK: Running actions (never under the lock)

    private func run(_ action: Machine.Action) {
        switch action.request {
        case .none:
            break
        case .lease(let lease):
            let (promise, connection) = state.withLock { ($0.waiters.removeValue(forKey: lease.request), $0.connections[lease.connection.rawValue]) }
            if let promise, let connection {
                promise.succeed(Leased(connection: connection, isReused: lease.isReused))
            } else if let connection {
                release(connection, reusable: true)  // the waiter left meanwhile
            }
        case .reject(let id):
            failWaiters([id], LeaseError.backlogFull)
        case .moveToAnotherBackend(let ids):
            failWaiters(ids, LeaseError.backendFailed)
        case .fail(let ids):
            failWaiters(ids, LeaseError.shuttingDown)
        }
        switch action.connection {
        case .none:
            break
        case .create(let id, let loop):
            open(id, on: loop)
        case .close(let id):
            close([id])
        case .closeAndCreate(let closing, let creating, let loop):
            close([closing])
            open(creating, on: loop)
        case .closeAll(let ids):
            close(ids)
        }
        if let deadline = action.scheduleIdleTimer { scheduleIdleSweep(at: deadline) }
    }

    private func failWaiters(_ ids: [Machine.RequestID], _ error: LeaseError) {
        let promises = state.withLock { state in ids.compactMap { state.waiters.removeValue(forKey: $0) } }
        for promise in promises { promise.fail(error) }
    }

    private func open(_ id: Machine.ConnectionID, on loop: Machine.EventLoopID) {
        let eventLoop = loops[min(loop.rawValue, loops.count - 1)]
        UpstreamConnection.connect(
            to: address, on: eventLoop, timeout: connectTimeout, id: id, backendProtocol: backendProtocol,
            backendName: backend.name, errorLog: errorLog
        ).whenComplete { result in
            switch result {
            case .success(let connection):
                // A strong capture: the pool → connection → handler → pool cycle ends with the connection's close
                // (channelInactive drops `onClose`), which shutdown, the idle sweep or the backend always brings.
                // A weak one would give the pool a side table and slow every retain and release of it, which
                // each proxied request does several times.
                connection.handler.onClose = { self.closed(id) }
                let action = self.state.withLock { state -> Machine.Action in
                    state.connections[id.rawValue] = connection
                    return state.machine.connectionEstablished(id, now: Self.now)
                }
                self.run(action)
            case .failure(let error):
                // SPEC §4: the backend is skipped for disable-time; waiters are moved to another backend. Logged
                // here, once per attempt, whatever number of requests waited on it.
                self.backend.health.connectFailed(at: Self.now)
                self.errorLog.error("backend \(self.backend.name): connect failed: \(error); skipped for \(self.disableTime) s")
                let action = self.state.withLock { $0.machine.connectionFailed(id, now: Self.now) }
                self.run(action)
            }
        }
    }

    private func closed(_ id: Machine.ConnectionID) {
        let action = state.withLock { state -> Machine.Action in
            state.connections[id.rawValue] = nil
            return state.machine.connectionClosed(id, now: Self.now)
        }
        run(action)
    }

    private func close(_ ids: [Machine.ConnectionID]) {
        let connections = state.withLock { state in ids.compactMap { state.connections[$0.rawValue] } }
        for connection in connections { connection.channel.close(promise: nil) }
    }

    private func scheduleIdleSweep(at deadline: UInt64) {
        let loop = loops[0]
        let delay = TimeAmount.nanoseconds(Int64(deadline) - Int64(Self.now))
        // Holds the pool until it fires or is replaced (no `weak`: see `open`).
        let task = loop.scheduleTask(in: max(delay, .milliseconds(1))) {
            let action = self.state.withLock { $0.machine.idleTimerFired(now: Self.now) }
            self.run(action)
        }
        let previous = state.withLock { state -> Scheduled<Void>? in
            defer { state.idleTimer = task }
            return state.idleTimer
        }
        previous?.cancel()
    }
}
