import Synchronization

/// Counts the requests of one backend group waiting for a backend to come back up (SPEC §4: "when every backend
/// is down or refuses, requests wait in the backlog, then 503"), bounded by `proxy-core.max-backlog-size`.
///
/// Shared by every event loop, one relaxed atomic per operation; a request enters when it starts waiting
/// (`ProxyRequestStateMachine.Action.waitForBackend`) and leaves when the wait ends, whatever ends it.
public final class BacklogGate: Sendable {
    public let capacity: Int
    private let waiting = Atomic<Int>(0)

    public init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Takes a place if one is free.
    public func tryEnter() -> Bool {
        var current = waiting.load(ordering: .relaxed)
        while current < capacity {
            let (exchanged, original) = waiting.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Gives a place back (call once per successful `tryEnter`).
    public func leave() {
        waiting.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Whether a place is free now (a hint for `noBackendAvailable(backlogHasRoom:)`; `tryEnter` decides).
    public var hasRoom: Bool { waiting.load(ordering: .relaxed) < capacity }

    /// Requests waiting now (`server-status`).
    public var count: Int { waiting.load(ordering: .relaxed) }
}
