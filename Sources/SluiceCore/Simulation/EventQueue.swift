/// The simulator's pending events: a binary min-heap ordered by time, then by insertion order, so events at the
/// same instant run first-in first-out and a run is fully determined by its seed.
struct EventQueue {
    struct Event {
        var time: UInt64
        var sequence: UInt64
        var kind: SimulationEvent
    }

    private var heap: [Event] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }

    init(capacity: Int = 1024) {
        heap.reserveCapacity(capacity)
    }

    mutating func schedule(_ kind: SimulationEvent, at time: UInt64) {
        heap.append(Event(time: time, sequence: nextSequence, kind: kind))
        nextSequence += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst() -> Event? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let first = heap[0]
        heap[0] = last
        var parent = 0
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let child = right < count && Self.precedes(heap[right], heap[left]) ? right : left
            guard Self.precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            parent = child
        }
        return first
    }

    private static func precedes(_ a: Event, _ b: Event) -> Bool {
        a.time != b.time ? a.time < b.time : a.sequence < b.sequence
    }
}

/// What happens at an instant of a simulation. Payloads are request slots or client numbers.
enum SimulationEvent {
    /// A new request arrives (from closed-loop client `client`, or -1 in an open loop).
    case arrival(client: Int32)
    /// The proxy learns that the connection for the request in `slot` was refused.
    case connectFailed(slot: Int32)
    /// The backend finished the request in `slot`.
    case completed(slot: Int32)
    /// A disabled backend comes back: retry the requests waiting in the backlog.
    case backlogWake
}
