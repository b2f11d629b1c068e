import Testing

@testable import SluiceCore

@Suite struct BackendHealthTests {
    private let second: UInt64 = 1_000_000_000

    @Test func connectFailureDisablesForExactlyDisableTime() {
        let health = BackendHealth(policy: HealthPolicy(disableTime: 2 * second))
        let failedAt = 10 * second + 123
        #expect(health.isUp(at: failedAt))
        health.connectFailed(at: failedAt)
        #expect(!health.isUp(at: failedAt))
        #expect(!health.isUp(at: failedAt + 2 * second - 1))
        #expect(health.state(at: failedAt + 1) == .disabled(until: failedAt + 2 * second))
        // At the boundary itself the backend is tried again.
        #expect(health.isUp(at: failedAt + 2 * second))
        #expect(health.state(at: failedAt + 2 * second) == .up)
    }

    @Test func aFailedRetryDisablesAgainFromThatMoment() {
        let health = BackendHealth(policy: HealthPolicy(disableTime: second))
        health.connectFailed(at: 0)
        #expect(health.recoveryTime(after: 0) == second)
        health.connectFailed(at: second)
        #expect(!health.isUp(at: 2 * second - 1))
        #expect(health.isUp(at: 2 * second))
        #expect(health.recoveryTime(after: 2 * second) == nil)
    }

    @Test func aLaterShorterDisableDoesNotShortenAnEarlierOne() {
        let health = BackendHealth(policy: HealthPolicy(disableTime: second))
        health.connectFailed(at: 5 * second)
        health.connectFailed(at: 4 * second)  // reported late by another event loop
        #expect(!health.isUp(at: 6 * second - 1))
    }

    @Test func requestFailuresDisableOnlyWithALimit() {
        let lighttpd = BackendHealth(policy: HealthPolicy())
        for _ in 0..<10 { lighttpd.requestFailed(at: 0) }
        #expect(lighttpd.isUp(at: 0))

        let limited = BackendHealth(policy: HealthPolicy(disableTime: second, consecutiveFailureLimit: 3))
        limited.requestFailed(at: 0)
        limited.requestFailed(at: 0)
        limited.requestSucceeded()  // a success resets the run
        limited.requestFailed(at: 0)
        limited.requestFailed(at: 0)
        #expect(limited.isUp(at: 0))
        limited.requestFailed(at: 7)
        #expect(!limited.isUp(at: 7))
        #expect(limited.isUp(at: 7 + second))
    }

    @Test func activeCheckMarksDownUntilACheckPasses() {
        let health = BackendHealth(policy: HealthPolicy(activeCheck: ActiveHealthCheck(path: "/health")))
        health.activeCheckFailed(at: 0)
        #expect(health.state(at: 0) == .down)
        #expect(!health.isUp(at: .max - 1))
        #expect(health.recoveryTime(after: 0) == nil)
        health.activeCheckPassed(at: 9)
        #expect(health.isUp(at: 9))
    }

    @Test func aPassingCheckEndsAPassiveDisable() {
        let health = BackendHealth(policy: HealthPolicy(disableTime: 10 * second))
        health.connectFailed(at: 0)
        health.activeCheckPassed(at: second)
        #expect(health.isUp(at: second))
        // A connect failure after a failed check keeps it down for good.
        health.activeCheckFailed(at: 2 * second)
        health.connectFailed(at: 2 * second)
        #expect(health.state(at: 100 * second) == .down)
    }

    @Test func activeChecksAreClaimedOncePerInterval() {
        let check = ActiveHealthCheck(path: "/health", interval: 5 * second)
        let health = BackendHealth(policy: HealthPolicy(activeCheck: check))
        #expect(health.claimActiveCheck(at: 0))
        #expect(!health.claimActiveCheck(at: 0))  // a second event loop asking at once
        #expect(health.nextActiveCheckTime == 5 * second)
        #expect(!health.claimActiveCheck(at: 5 * second - 1))
        #expect(health.claimActiveCheck(at: 5 * second))
        #expect(health.claimActiveCheck(at: 20 * second))  // late: runs now, next one interval later
        #expect(health.nextActiveCheckTime == 25 * second)
        #expect(!BackendHealth().claimActiveCheck(at: 0))  // no check configured
    }

    @Test func groupReportsTheNextRecoveryForTheBacklog() {
        let group = BackendGroup.lettered(3, .shortestQueueFirst, health: HealthPolicy(disableTime: second))
        #expect(group.nextRecovery(after: 0) == nil)  // some backend is up
        group.disable("A", at: 3)
        group.disable("B", at: 1)
        group.disable("C", at: 2)
        #expect(!group.hasBackendUp(at: 10))
        #expect(group.nextRecovery(after: 10) == second + 1)
        #expect(group.choose(for: .empty, now: second + 1)?.name == "B")
    }
}
