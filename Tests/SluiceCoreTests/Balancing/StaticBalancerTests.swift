import Testing

@testable import SluiceCore

@Suite struct StaticBalancerTests {
    @Test func firstUpBackendTakesEverythingAndFailsOver() {
        let group = BackendGroup.lettered(3, .static)
        let held = group.hold(10, on: "A")
        #expect(group.names(of: 3) == ["A", "A", "A"])
        group.disable("A", at: 0)
        #expect(group.names(of: 2, now: 1) == ["B", "B"])
        group.disable("B", at: 1)
        #expect(group.names(of: 2, now: 2) == ["C", "C"])
        // A comes back first (disabled at 0 for 1 s) and takes over again.
        #expect(group.names(of: 1, now: ms(1000)) == ["A"])
        _ = held
    }

    @Test func noneUpGivesNil() {
        let group = BackendGroup.lettered(1, .static)
        group.disable("A")
        #expect(group.choose(for: .empty, now: 0) == nil)
    }
}
