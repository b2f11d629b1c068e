import Testing

@testable import SluiceCore

@Suite struct ShortestQueueFirstBalancerTests {
    @Test func tiesRotateInsteadOfPilingOnTheFirst() {
        let group = BackendGroup.lettered(3, .shortestQueueFirst)
        #expect(group.names(of: 7) == ["A", "B", "C", "A", "B", "C", "A"])
    }

    @Test func fewestInFlightWins() {
        let group = BackendGroup.lettered(3, .shortestQueueFirst)
        let held = group.hold(2, on: "A") + group.hold(1, on: "B") + group.hold(3, on: "C")
        // B has the fewest whatever the rotation.
        #expect(group.names(of: 4) == ["B", "B", "B", "B"])
        _ = held
    }

    @Test func longRequestOnOneBackendSendsTheNextElsewhere() {
        // features.md b8 #8: hold one long request on A, the next goes to B.
        let group = BackendGroup.lettered(2, .shortestQueueFirst)
        let ticket = group.begin(for: .empty, now: 0)
        #expect(ticket?.backend.name == "A")
        #expect(group.choose(for: .empty, now: 0)?.name == "B")
        #expect(group.choose(for: .empty, now: 0)?.name == "B")
        ticket?.finish(.success, at: 1)
        #expect(group.names(of: 2) == ["A", "B"])
    }

    @Test func tiesAmongTheLeastLoadedRotate() {
        let group = BackendGroup.lettered(4, .shortestQueueFirst)
        let held = group.hold(1, on: "A") + group.hold(1, on: "C")
        #expect(group.names(of: 4) == ["B", "D", "B", "D"])
        _ = held
    }

    @Test func downBackendsAreSkippedAndNoneUpGivesNil() {
        let group = BackendGroup.lettered(3, .shortestQueueFirst)
        group.disable("B")
        // The skipped backend's turns are not handed to its neighbour: A, C, A, C.
        #expect(group.names(of: 4) == ["A", "C", "A", "C"])
        group.disable("A")
        group.disable("C")
        #expect(group.choose(for: .empty, now: 0) == nil)
        #expect(group.begin(for: .empty, now: 0) == nil)
    }
}
