/// A first-in first-out queue: an array read from a moving head, compacted when the dead prefix outgrows the
/// live part, so `append` and `popFirst` are amortised O(1) and a steady queue stops allocating. Removal from the
/// middle (a waiter that gave up) is O(n), which is rare. SluiceCore does not depend on swift-collections'
/// `Deque` for this one use.
struct FIFOQueue<Element> {
    private var storage: [Element] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }
    var first: Element? { isEmpty ? nil : storage[head] }

    mutating func append(_ element: Element) {
        storage.append(element)
    }

    mutating func popFirst() -> Element? {
        guard !isEmpty else { return nil }
        let element = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 32 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Removes the first element matching `predicate` and returns it.
    mutating func removeFirst(where predicate: (Element) -> Bool) -> Element? {
        guard let index = storage[head...].firstIndex(where: predicate) else { return nil }
        if index == head { return popFirst() }
        return storage.remove(at: index)
    }

    /// Empties the queue, returning its elements in order.
    mutating func removeAll() -> [Element] {
        let elements = Array(storage[head...])
        storage.removeAll()
        head = 0
        return elements
    }

    func contains(where predicate: (Element) -> Bool) -> Bool {
        storage[head...].contains(where: predicate)
    }
}

extension FIFOQueue: Sendable where Element: Sendable {}
