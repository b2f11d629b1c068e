import Synchronization

/// Whether one backend may receive requests: the only place health is decided, read by every balancer through
/// `isUp(at:)` (one relaxed atomic load).
///
/// The state is one timestamp, `availableAt`: the backend is up from that instant on.
/// - A connect failure (or `HealthPolicy.consecutiveFailureLimit` failed requests in a row) sets it to
///   `now + disableTime`: the backend is skipped for exactly `disableTime` and tried again at
///   `now + disableTime` itself (lighttpd re-enables in its 1 s trigger once the time has passed; with a clock
///   of nanoseconds the boundary is up). Nothing needs to wake it: time does.
/// - A failed active check sets it to `UInt64.max`, down until a check passes; a passing check sets it to 0 (the
///   check connected, so it also ends a passive disable).
///
/// `now` is a monotonic nanosecond timestamp (e.g. `NIODeadline.now().uptimeNanoseconds`), injected so tests and
/// the simulator drive time.
public final class BackendHealth: Sendable {
    public let policy: HealthPolicy

    private let availableAt = Atomic<UInt64>(0)
    private let consecutiveFailures = Atomic<Int>(0)
    private let nextActiveCheck = Atomic<UInt64>(0)

    public init(policy: HealthPolicy = HealthPolicy()) {
        self.policy = policy
    }

    public enum State: Sendable, Equatable {
        case up
        /// Skipped after failures until the given instant.
        case disabled(until: UInt64)
        /// Marked down by the active check, until a check passes.
        case down
    }

    /// Whether balancers may choose this backend at `now`.
    public func isUp(at now: UInt64) -> Bool {
        now >= availableAt.load(ordering: .relaxed)
    }

    public func state(at now: UInt64) -> State {
        let until = availableAt.load(ordering: .relaxed)
        if now >= until { return .up }
        return until == .max ? .down : .disabled(until: until)
    }

    /// The instant the backend comes back by itself, or nil if it is up or waits for an active check.
    public func recoveryTime(after now: UInt64) -> UInt64? {
        let until = availableAt.load(ordering: .relaxed)
        return until > now && until != .max ? until : nil
    }

    // MARK: Passive detection (called through BackendTicket)

    /// Connecting failed (refused, unreachable, timed out): skip the backend for `disableTime`.
    public func connectFailed(at now: UInt64) {
        consecutiveFailures.store(0, ordering: .relaxed)
        disable(at: now)
    }

    /// A request failed after connecting (error, reset, timeout).
    public func requestFailed(at now: UInt64) {
        guard let limit = policy.consecutiveFailureLimit, limit > 0 else { return }
        let failures = consecutiveFailures.wrappingAdd(1, ordering: .relaxed).newValue
        if failures >= limit {
            consecutiveFailures.store(0, ordering: .relaxed)
            disable(at: now)
        }
    }

    /// A request got a complete answer.
    public func requestSucceeded() {
        if consecutiveFailures.load(ordering: .relaxed) != 0 {
            consecutiveFailures.store(0, ordering: .relaxed)
        }
    }

    private func disable(at now: UInt64) {
        let (sum, overflow) = now.addingReportingOverflow(policy.disableTime)
        let until = overflow ? .max - 1 : sum
        // Keep a longer disable (or an active-check down) in place. A compare-and-swap loop, not
        // `Atomic<UInt64>.max`: in Swift 6.3 on x86_64 that compares as signed, so it stored 12 over UInt64.max.
        var current = availableAt.load(ordering: .relaxed)
        while current < until {
            let (exchanged, original) = availableAt.compareExchange(
                expected: current, desired: until, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    // MARK: Active check

    /// Whether the caller should run the active check now. At most one caller per interval gets true (a
    /// compare-and-swap claims the slot), so several event loops may all ask. False when no check is configured.
    public func claimActiveCheck(at now: UInt64) -> Bool {
        guard let check = policy.activeCheck else { return false }
        let due = nextActiveCheck.load(ordering: .relaxed)
        guard now >= due else { return false }
        let (next, overflow) = now.addingReportingOverflow(max(check.interval, 1))
        return nextActiveCheck.compareExchange(
            expected: due, desired: overflow ? .max : next, ordering: .relaxed
        ).exchanged
    }

    /// The instant the next active check is due (0 before the first), for scheduling a timer.
    public var nextActiveCheckTime: UInt64 { nextActiveCheck.load(ordering: .relaxed) }

    /// The check answered 2xx: the backend is up.
    public func activeCheckPassed(at now: UInt64) {
        consecutiveFailures.store(0, ordering: .relaxed)
        availableAt.store(0, ordering: .relaxed)
    }

    /// The check answered non-2xx or not at all: the backend is down until a check passes.
    public func activeCheckFailed(at now: UInt64) {
        availableAt.store(.max, ordering: .relaxed)
    }
}
