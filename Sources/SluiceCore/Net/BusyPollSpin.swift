/// One busy-poll spin (`server.busy-poll`): when an event loop has run out of work it polls for new events
/// with a zero timeout until one is pending or the window has run out, instead of going straight to sleep.
/// The clock and the poll are injected, so the rule is tested without a loop or a socket.
public enum BusyPollSpin {
    /// What one zero-timeout poll saw.
    public enum PollResult: Equatable, Sendable {
        /// An event is pending: the loop's next wait returns at once.
        case ready
        /// Nothing yet.
        case idle
        /// A signal interrupted the poll (`EINTR`): nothing is known; poll again.
        case interrupted
        /// The poll itself failed with this `errno` (a descriptor that is no longer valid): stop polling.
        case failed(errno: Int32)
    }

    /// Why the spin ended.
    public enum Outcome: Equatable, Sendable {
        case eventPending
        case windowElapsed
        case pollFailed(errno: Int32)
    }

    /// Polls until `poll` reports an event or a failure, or until `now()` reaches `deadline` (nanoseconds on
    /// one monotonic clock). Polls at least once, so an event already pending is always noticed, and never
    /// again once the deadline has passed. Returns the outcome and the number of polls made.
    public static func run(
        until deadline: UInt64, now: () -> UInt64, poll: () -> PollResult
    ) -> (outcome: Outcome, polls: Int) {
        var polls = 0
        while true {
            polls += 1
            switch poll() {
            case .ready:
                return (.eventPending, polls)
            case .failed(let code):
                return (.pollFailed(errno: code), polls)
            case .idle, .interrupted:
                if now() >= deadline { return (.windowElapsed, polls) }
            }
        }
    }
}
