import LighttpdConfig
import Logging
import NIOCore
import SluiceCore
import Synchronization

/// Runs `proxy-core.health-check` for the backends of one route: a timer on one of the server's event loops
/// that starts a `HealthProbe` for each backend whose check is due and records the verdict in its
/// `BackendHealth` (which owns the schedule and the up/down state: this type only does the I/O). At most one check
/// per backend is in flight. A backend that fails its check takes no traffic until a check passes again.
///
/// Started when its runtime is installed and stopped when the runtime is replaced (reload) or the server shuts
/// down, so a reload's new backends are checked from scratch and the old timer never outlives its runtime.
/// Changes are logged once each way (up → down with the cause, down → up), not on every check.
final class ActiveHealthChecker: Sendable {
    private struct Target {
        let backend: Backend
        let address: ResolvedBackend.Address
        let host: String
    }

    private struct State: Sendable {
        var started = false
        var stopped = false
        var timer: Scheduled<Void>?
        var inFlight: [Bool]
        /// The open probe connections, closed on `stop`.
        var channels: [Channel?]
        /// What was last logged for each backend: true once "down" was logged, until "up" is.
        var reportedDown: [Bool]
    }

    private let targets: [Target]
    private let path: String
    /// Checks speak the group's `proxy-core.protocol`.
    private let backendProtocol: BackendProtocol
    private let timeout: TimeAmount
    private let loop: EventLoop
    private let errorLog: Logger
    private let state: Mutex<State>

    /// - Parameters:
    ///   - timeout: how long one check may take from connecting to the end of the answer: the smaller of the
    ///     check interval and `proxy-core.connect-timeout`, so a check ends before the next one is due.
    init(backends: [Backend], addresses: [ResolvedBackend.Address], path: String, timeout: TimeAmount,
         backendProtocol: BackendProtocol = .http, loop: EventLoop, errorLog: Logger) {
        self.backendProtocol = backendProtocol
        targets = zip(backends, addresses).map { backend, address in
            Target(backend: backend, address: address, host: HealthProbe.hostHeader(for: address))
        }
        self.path = path
        self.timeout = timeout
        self.loop = loop
        self.errorLog = errorLog
        let count = targets.count
        state = Mutex(State(
            inFlight: Array(repeating: false, count: count), channels: Array(repeating: nil, count: count),
            reportedDown: Array(repeating: false, count: count)))
    }

    private static var now: UInt64 { NIODeadline.now().uptimeNanoseconds }

    /// Starts checking (the first checks run at once). Calling it again, or after `stop`, does nothing.
    func start() {
        let begin = state.withLock { state -> Bool in
            guard !state.started, !state.stopped else { return false }
            state.started = true
            return true
        }
        if begin { loop.execute { self.tick() } }
    }

    /// Stops the timer and closes checks in flight; their verdicts are dropped.
    func stop() {
        let (timer, channels) = state.withLock { state -> (Scheduled<Void>?, [Channel]) in
            state.stopped = true
            defer {
                state.timer = nil
                state.channels = Array(repeating: nil, count: state.channels.count)
            }
            return (state.timer, state.channels.compactMap { $0 })
        }
        timer?.cancel()
        for channel in channels { channel.close(promise: nil) }
    }

    /// Starts every check that is due and sets the timer for the next one. Runs on `loop`: from the timer, from
    /// `start`, and after each verdict (so a backend whose check ended at its due time is checked again at once).
    private func tick() {
        loop.preconditionInEventLoop()
        let now = Self.now
        let due = state.withLock { state -> [Int] in
            guard !state.stopped else { return [] }
            var due: [Int] = []
            for index in targets.indices where !state.inFlight[index] {
                if targets[index].backend.health.claimActiveCheck(at: now) {
                    state.inFlight[index] = true
                    due.append(index)
                }
            }
            return due
        }
        for index in due { probe(index) }
        scheduleNextTick(now: now)
    }

    private func scheduleNextTick(now: UInt64) {
        state.withLock { state in
            guard !state.stopped else { return }
            // The earliest due time among backends with no check in flight; a check in flight ends within
            // `timeout` and its verdict runs `tick` again.
            var next = UInt64.max
            for index in targets.indices where !state.inFlight[index] {
                next = min(next, targets[index].backend.health.nextActiveCheckTime)
            }
            let floor = now &+ 1_000_000  // never spin: at least 1 ms ahead
            let deadline = next == .max ? now &+ UInt64(timeout.nanoseconds) : max(next, floor)
            state.timer?.cancel()
            state.timer = loop.scheduleTask(deadline: .uptimeNanoseconds(deadline)) { self.tick() }
        }
    }

    private func probe(_ index: Int) {
        let target = targets[index]
        HealthProbe.run(
            path: path, host: target.host, address: target.address, backendProtocol: backendProtocol, on: loop, timeout: timeout,
            onChannel: { channel in
                let keep = self.state.withLock { state -> Bool in
                    guard !state.stopped else { return false }
                    state.channels[index] = channel
                    return true
                }
                if !keep { channel.close(promise: nil) }
            },
            completion: { verdict in self.record(verdict, for: index) })
    }

    private func record(_ verdict: HealthProbe.Verdict, for index: Int) {
        let down: Bool
        if case .failed = verdict { down = true } else { down = false }
        let changed = state.withLock { state -> Bool? in
            state.inFlight[index] = false
            state.channels[index] = nil
            guard !state.stopped else { return nil }
            defer { state.reportedDown[index] = down }
            return state.reportedDown[index] != down
        }
        guard let changed else { return }  // stopped: the runtime is gone, so is its verdict
        let health = targets[index].backend.health
        switch verdict {
        case .passed(let status):
            health.activeCheckPassed(at: Self.now)
            if changed {
                errorLog.notice("backend \(targets[index].backend.name) is up again: health check GET \(path) answered \(status)")
            }
        case .failed(let failure):
            health.activeCheckFailed(at: Self.now)
            if changed {
                errorLog.error("backend \(targets[index].backend.name) is down: health check GET \(path) \(failure)")
            }
        }
        tick()
    }
}
