/// A map from integer IDs handed out in sequence (a pool's connections) to values: open addressing with linear
/// probing and the ID itself as the hash, so live IDs, being mostly consecutive, sit in consecutive slots and a
/// lookup is a mask and a compare. A `Dictionary` hashes every key with SipHash: on the proxy path that was four
/// lookups per request at ~200 instructions each. Removal shifts the following entries back (no tombstones).
///
/// Keys and values are kept apart: probing reads only the `Int` keys, so it is cheap even where the compiler
/// does not specialise the table for its value type (it did not for SluiceServer's pool).
package struct IDTable<Value> {
    /// `empty` marks a free slot (IDs are never negative).
    private static var empty: Int { -1 }
    private var keys: [Int]
    private var values: [Value?]
    private var mask: Int
    package private(set) var count = 0

    package init() {
        keys = Array(repeating: Self.empty, count: 8)
        values = Array(repeating: nil, count: 8)
        mask = 7
    }

    package var isEmpty: Bool { count == 0 }

    package subscript(key: Int) -> Value? {
        get {
            guard let index = index(of: key) else { return nil }
            return values[index]
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
        var entries: [(key: Int, value: Value)] = []
        for (index, key) in keys.enumerated() where key != Self.empty {
            if let value = values[index] { entries.append((key, value)) }
        }
        return entries
    }

    private func index(of key: Int) -> Int? {
        guard key >= 0 else { return nil }  // not an ID (and -1 marks a free slot)
        var index = key & mask
        while true {
            let found = keys[index]
            if found == key { return index }
            if found == Self.empty { return nil }
            index = (index + 1) & mask
        }
    }

    private mutating func insert(_ value: Value, for key: Int) {
        guard key >= 0 else { return }  // not an ID: IDs are never negative
        if let index = index(of: key) {
            values[index] = value
            return
        }
        // At most 3/4 full, so a probe always ends at an empty slot.
        if (count + 1) * 4 > keys.count * 3 { grow() }
        var index = key & mask
        while keys[index] != Self.empty { index = (index + 1) & mask }
        keys[index] = key
        values[index] = value
        count += 1
    }

    private mutating func remove(_ key: Int) {
        guard var hole = index(of: key) else { return }
        keys[hole] = Self.empty
        values[hole] = nil
        count -= 1
        // Entries after the hole that probed past it move back into it, so every probe still ends at its key.
        var next = hole
        while true {
            next = (next + 1) & mask
            let moving = keys[next]
            if moving == Self.empty { return }
            let home = moving & mask
            let reachableWithoutHole = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next)
            if !reachableWithoutHole {
                keys[hole] = moving
                values[hole] = values[next]
                keys[next] = Self.empty
                values[next] = nil
                hole = next
            }
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        keys = Array(repeating: Self.empty, count: oldKeys.count * 2)
        values = Array(repeating: nil, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (index, key) in oldKeys.enumerated() where key != Self.empty {
            if let value = oldValues[index] { insert(value, for: key) }
        }
    }
}

extension IDTable: Sendable where Value: Sendable {}
