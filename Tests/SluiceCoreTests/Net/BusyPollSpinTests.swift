import SluiceCore
import Testing

/// The busy-poll spin rule with a scripted clock and scripted polls.
@Suite struct BusyPollSpinTests {
    /// Runs a spin from time 0 to `deadline`; each poll advances the clock by `step` and returns the next
    /// scripted result (then `.idle` forever).
    static func spin(
        deadline: UInt64, step: UInt64, script: [BusyPollSpin.PollResult]
    ) -> (outcome: BusyPollSpin.Outcome, polls: Int, clockReads: Int) {
        var clock: UInt64 = 0
        var clockReads = 0
        var remaining = script[...]
        let (outcome, polls) = BusyPollSpin.run(
            until: deadline,
            now: {
                clockReads += 1
                return clock
            },
            poll: {
                clock += step
                return remaining.popFirst() ?? .idle
            })
        return (outcome, polls, clockReads)
    }

    @Test func anEventAlreadyPendingEndsTheSpinAtTheFirstPoll() {
        let result = Self.spin(deadline: 1_000, step: 10, script: [.ready])
        #expect(result.outcome == .eventPending)
        #expect(result.polls == 1)
        #expect(result.clockReads == 0)
    }

    @Test func pollsUntilAnEventArrives() {
        let result = Self.spin(deadline: 1_000, step: 10, script: [.idle, .idle, .interrupted, .ready])
        #expect(result.outcome == .eventPending)
        #expect(result.polls == 4)
    }

    @Test func stopsOnceTheWindowHasElapsed() {
        // Polls at 10, 20, ... 100: the clock reaches the deadline after the tenth.
        let result = Self.spin(deadline: 100, step: 10, script: [])
        #expect(result.outcome == .windowElapsed)
        #expect(result.polls == 10)
    }

    @Test func pollsOnceEvenWhenTheDeadlineHasPassed() {
        let result = Self.spin(deadline: 0, step: 10, script: [])
        #expect(result.outcome == .windowElapsed)
        #expect(result.polls == 1)
    }

    @Test func anInterruptedPollIsRetriedWithinTheWindow() {
        let result = Self.spin(deadline: 30, step: 10, script: [.interrupted, .interrupted, .interrupted, .ready])
        #expect(result.outcome == .windowElapsed)
        #expect(result.polls == 3)
    }

    @Test func aFailedPollStopsAtOnce() {
        let result = Self.spin(deadline: 1_000, step: 10, script: [.idle, .failed(errno: 9), .ready])
        #expect(result.outcome == .pollFailed(errno: 9))
        #expect(result.polls == 2)
    }
}
