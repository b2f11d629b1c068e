/// Every set of active blocks a site's requests can produce, with its resolved options, in an open-addressing
/// table keyed by the set's word (`BlockSet.word`). Built once per site; lookups take no lock and allocate nothing.
struct ResolvedOptionsTable: Sendable {
    /// Most sets listed: a site whose conditions allow more resolves per request instead.
    static let limit = 1024

    private let keys: [UInt64]
    private let values: [ResolvedOptions?]
    private let shift: UInt64

    /// An empty table (lookups miss) when the site has too many blocks or sets.
    init(tree: BlockTree, options: [BlockOptions]) {
        guard let sets = tree.reachableActiveSets(limit: Self.limit) else {
            keys = []
            values = []
            shift = 63
            return
        }
        var bits: UInt64 = 1
        while (1 << bits) < 2 * sets.count { bits += 1 }
        let size = 1 << Int(bits)
        var keys = [UInt64](repeating: 0, count: size)
        var values = [ResolvedOptions?](repeating: nil, count: size)
        let shift = 64 - bits
        for set in sets {
            var slot = Int(truncatingIfNeeded: (set &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while keys[slot] != 0 && keys[slot] != set { slot = (slot + 1) & (size - 1) }
            guard keys[slot] == 0 else { continue }
            keys[slot] = set
            var active = BlockSet()
            for index in 0..<64 where set & (1 << UInt64(index)) != 0 { active[index] = true }
            values[slot] = ResolvedOptions(options: options, active: active, rewrites: nil)
        }
        self.keys = keys
        self.values = values
        self.shift = shift
    }

    /// The options of `active`, nil when the table does not list it.
    func lookup(_ active: BlockSet) -> ResolvedOptions? {
        guard !keys.isEmpty, let key = active.word, key != 0 else { return nil }
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let found = keys[slot]
            if found == key { return values[slot] }
            if found == 0 { return nil }
            slot = (slot + 1) & (keys.count - 1)
        }
    }
}
