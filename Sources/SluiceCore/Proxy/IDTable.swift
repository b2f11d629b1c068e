/// A map from integer IDs handed out in sequence (a pool's connections) to values: open addressing with linear
/// probing and the ID itself as the hash, so live IDs, being mostly consecutive, sit in consecutive slots and a
/// lookup is a mask and a compare. A `Dictionary` hashes every key with SipHash: on the proxy path that was four
/// lookups per request at ~200 instructions each. Removal shifts the following entries back (no tombstones).
package struct IDTable<Value> {
    private var slots: [(key: Int, value: Value)?]
    private var mask: Int
    package private(set) var count = 0

    package init() {
        slots = Array(repeating: nil, count: 8)
        mask = 7
    }

    package var isEmpty: Bool { count == 0 }

    package subscript(key: Int) -> Value? {
        get {
            guard let index = index(of: key) else { return nil }
            return slots[index]?.value
        }
        set {
            if let newValue {
                insert(newValue, for: key)
            } else {
                remove(key)
            }
        }
    }

    /// The entries, in no particular order.
    package var entries: [(key: Int, value: Value)] {
        slots.compactMap { $0 }
    }

    private func index(of key: Int) -> Int? {
        var index = key & mask
        while let slot = slots[index] {
            if slot.key == key { return index }
            index = (index + 1) & mask
        }
        return nil
    }

    private mutating func insert(_ value: Value, for key: Int) {
        if let index = index(of: key) {
            slots[index] = (key, value)
            return
        }
        // At most 3/4 full, so a probe always ends at an empty slot.
        if (count + 1) * 4 > slots.count * 3 { grow() }
        var index = key & mask
        while slots[index] != nil { index = (index + 1) & mask }
        slots[index] = (key, value)
        count += 1
    }

    private mutating func remove(_ key: Int) {
        guard var hole = index(of: key) else { return }
        slots[hole] = nil
        count -= 1
        // Entries after the hole that probed past it move back into it, so every probe still ends at its key.
        var next = hole
        while true {
            next = (next + 1) & mask
            guard let slot = slots[next] else { return }
            let home = slot.key & mask
            let reachableWithoutHole = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next)
            if !reachableWithoutHole {
                slots[hole] = slot
                slots[next] = nil
                hole = next
            }
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: nil, count: old.count * 2)
        mask = slots.count - 1
        count = 0
        for case let (key, value)? in old { insert(value, for: key) }
    }
}

extension IDTable: Sendable where Value: Sendable {}
