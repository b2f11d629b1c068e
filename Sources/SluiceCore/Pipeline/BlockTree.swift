import LighttpdConfig

/// The shape of a site's condition tree, reduced to what deciding which blocks apply reads: per block its parent,
/// the branch before it in an `else` chain, and whether it has a condition to test. Built once per site; the
/// evaluator walks it per request instead of the loaded `ConfigBlock`s (whose copies carried settings
/// dictionaries), and `reachableActiveSets` walks it once to list every outcome a request can have.
struct BlockTree: Sendable {
    enum Test: Sendable {
        /// The global block and a bare `else`.
        case always
        /// A condition that never holds: one that failed to compile (the config was rejected), or a
        /// `$PHYSICAL[...]` one (no physical path is known while routing).
        case never
        /// `Site.conditions[index]` decides.
        case condition
    }

    struct Node: Sendable {
        /// -1 for the global block.
        var parent: Int
        /// -1 when the block starts its chain.
        var previousBranch: Int
        var test: Test
    }

    let nodes: [Node]

    init(config: LoadedConfig, conditions: [CompiledCondition?]) {
        nodes = config.blocks.indices.map { index in
            let block = config.blocks[index]
            let test: Test
            if let condition = conditions.indices.contains(index) ? conditions[index] : nil {
                switch condition.field {
                case .physicalPath, .physicalExistingPath: test = .never
                default: test = .condition
                }
            } else {
                test = block.condition == nil ? .always : .never
            }
            return Node(parent: block.parent ?? -1, previousBranch: block.previousBranch ?? -1, test: test)
        }
    }

    /// Every set of active blocks some request could produce, each as a word (bit n: block n applies); nil when
    /// the config has more than 64 blocks or allows more than `limit` sets. Each condition is taken as free to be
    /// true or false, so the list may hold sets no request reaches, never misses one a request does.
    func reachableActiveSets(limit: Int) -> [UInt64]? {
        guard !nodes.isEmpty, nodes.count <= 64 else { return nil }
        var sets: [UInt64] = []
        // Depth-first over the blocks in config order (parents and earlier branches come first), forking at each
        // condition whose block can still apply: (next block, active so far, chains taken so far).
        var stack: [(Int, UInt64, UInt64)] = [(1, 1, 1)]
        while let (index, active, taken) = stack.popLast() {
            guard index < nodes.count else {
                sets.append(active)
                if sets.count > limit { return nil }
                continue
            }
            let node = nodes[index], bit: UInt64 = 1 << UInt64(index)
            if node.parent < 0 || active & (1 << UInt64(node.parent)) == 0 {
                stack.append((index + 1, active, taken))
            } else if node.previousBranch >= 0 && taken & (1 << UInt64(node.previousBranch)) != 0 {
                stack.append((index + 1, active, taken | bit))
            } else {
                switch node.test {
                case .always:
                    stack.append((index + 1, active | bit, taken | bit))
                case .never:
                    stack.append((index + 1, active, taken))
                case .condition:
                    stack.append((index + 1, active, taken))
                    stack.append((index + 1, active | bit, taken | bit))
                }
            }
        }
        return sets
    }
}
