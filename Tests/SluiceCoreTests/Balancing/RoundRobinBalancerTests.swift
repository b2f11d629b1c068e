import Testing

@testable import SluiceCore

@Suite struct RoundRobinBalancerTests {
    @Test func strictRotationInConfigurationOrder() {
        let group = BackendGroup.lettered(3, .roundRobin)
        #expect(group.names(of: 7) == ["A", "B", "C", "A", "B", "C", "A"])
    }

    @Test func rotationIgnoresLoad() {
        let group = BackendGroup.lettered(3, .roundRobin)
        let held = group.hold(5, on: "A")
        #expect(group.names(of: 4) == ["A", "B", "C", "A"])
        _ = held
    }

    @Test func downBackendIsSkippedWithoutSkewingTheOthers() {
        // features.md b8 #9; with B down the rotation is A,C,A,C (not A,C,C as a modulo cursor would give).
        let group = BackendGroup.lettered(3, .roundRobin)
        #expect(group.names(of: 1) == ["A"])
        group.disable("B", at: 0)
        #expect(group.names(of: 5) == ["C", "A", "C", "A", "C"])
        // B is back after disable-time and takes its turn after the last used (C).
        #expect(group.names(of: 4, now: ms(1000)) == ["A", "B", "C", "A"])
    }

    @Test func sharesAreEqualWithOneBackendDown() {
        let group = BackendGroup.lettered(4, .roundRobin)
        group.disable("C")
        var counts: [String: Int] = [:]
        for name in group.names(of: 300) { counts[name, default: 0] += 1 }
        #expect(counts == ["A": 100, "B": 100, "D": 100])
    }

    @Test func noneUpGivesNil() {
        let group = BackendGroup.lettered(2, .roundRobin)
        group.disable("A")
        group.disable("B")
        #expect(group.choose(for: .empty, now: 0) == nil)
        #expect(group.choose(for: .empty, now: ms(1000))?.name == "A")
    }
}
