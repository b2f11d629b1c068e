import Testing

@testable import SluiceCore

@Suite struct BackendTicketTests {
    private func approximately(_ value: Double?, _ expected: Double) -> Bool {
        value.map { abs($0 - expected) <= expected * 1e-6 } ?? false
    }

    @Test func beginAndFinishKeepTheCounts() throws {
        let group = BackendGroup.lettered(1, .static)
        let backend = group["A"]
        let first = try #require(group.begin(for: .empty, now: 0))
        let second = group.begin(on: backend, now: 0)
        #expect(backend.stats.inFlight == 2)
        #expect(backend.stats.requests == 2)
        #expect(first.finish(.success, at: 2_000))
        #expect(backend.stats.inFlight == 1)
        #expect(approximately(backend.stats.latencyEstimate(at: 2_000), 2_000))
        second.finish(.failure, at: 5_000)
        let snapshot = backend.stats.snapshot(at: 5_000)
        #expect(snapshot.inFlight == 0 && snapshot.requests == 2 && snapshot.failures == 1)
        #expect(approximately(snapshot.latencyEstimate, 5_000))
    }

    @Test func finishingTwiceCountsOnce() {
        let group = BackendGroup.lettered(1, .static)
        let ticket = group.begin(on: group["A"], now: 0)
        #expect(ticket.finish(.failure, at: 1))
        #expect(!ticket.finish(.failure, at: 2))
        #expect(!ticket.finish(.success, at: 3))
        #expect(ticket.isFinished)
        #expect(group["A"].stats.inFlight == 0)
        #expect(group["A"].stats.failures == 1)
    }

    @Test func aDroppedTicketReleasesItsSlot() {
        let group = BackendGroup.lettered(1, .static)
        do {
            let ticket = group.begin(on: group["A"], now: 0)
            #expect(group["A"].stats.inFlight == 1)
            _ = ticket
        }
        #expect(group["A"].stats.inFlight == 0)
        #expect(group["A"].stats.failures == 0)
    }

    @Test func connectFailureDisablesAndCounts() {
        let group = BackendGroup.lettered(2, .static)
        let ticket = group.begin(for: .empty, now: 100)
        #expect(ticket?.backend.name == "A")
        ticket?.finish(.connectFailure, at: 200)
        #expect(group["A"].stats.failures == 1)
        #expect(group["A"].stats.latencyEstimate(at: 200) == nil)  // no answer, no latency sample
        #expect(group["A"].health.state(at: 200) == .disabled(until: 200 + 1_000_000_000))
        #expect(group.choose(for: .empty, now: 200)?.name == "B")  // the retry goes elsewhere
    }

    @Test func aFastFailureNeverMakesABackendLookFast() {
        let group = BackendGroup.lettered(1, .static)
        let stats = group["A"].stats
        group.begin(on: group["A"], now: 0).finish(.success, at: 8_000_000)
        group.begin(on: group["A"], now: 8_000_000).finish(.failure, at: 8_000_010)
        #expect(approximately(stats.latencyEstimate(at: 8_000_010), 8_000_000))
        // A slow failure (a timeout) does raise it.
        group.begin(on: group["A"], now: 8_000_010).finish(.failure, at: 68_000_010)
        #expect(approximately(stats.latencyEstimate(at: 68_000_010), 60_000_000))
        // Abandoned requests say nothing.
        group.begin(on: group["A"], now: 0).finish(.abandoned, at: 99_000_000)
        #expect(stats.failures == 2)
        #expect(stats.inFlight == 0)
    }

    @Test func countsStayExactUnderConcurrentEventLoops() async {
        let group = BackendGroup.lettered(3, .shortestQueueFirst)
        let perTask = 5_000
        await withTaskGroup(of: Void.self) { tasks in
            for task in 0..<4 {
                tasks.addTask {
                    for step in 0..<perTask {
                        let now = UInt64(step) * 1_000
                        guard let ticket = group.begin(for: .empty, now: now) else { continue }
                        ticket.finish(step % 7 == task ? .failure : .success, at: now + 500)
                        ticket.finish(.success, at: now + 600)  // a second finish changes nothing
                    }
                }
            }
        }
        #expect(group.backends.map(\.stats.inFlight) == [0, 0, 0])
        #expect(group.backends.reduce(0) { $0 + $1.stats.requests } == UInt64(4 * perTask))
        let failures = (0..<4).reduce(0) { total, task in total + (0..<perTask).filter { $0 % 7 == task }.count }
        #expect(group.backends.reduce(0) { $0 + $1.stats.failures } == UInt64(failures))
    }
}
