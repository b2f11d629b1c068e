import LighttpdConfig

/// Which blocks of a site match a request, and the captures of matching regex conditions.
public struct ActiveBlocks: Sendable {
    /// The blocks whose settings apply to this request.
    public var blocks: BlockSet
    /// How many blocks the site has.
    public var count: Int
    /// Per block: captures of its `=~` condition when it matched and some value uses `%n`; empty when the site
    /// keeps no captures.
    public var captures: [Captures?]

    public init(blocks: BlockSet, count: Int, captures: [Captures?] = []) {
        self.blocks = blocks
        self.count = count
        self.captures = captures
    }

    public init(active: [Bool], captures: [Captures?]) {
        self.init(blocks: BlockSet(active), count: active.count, captures: captures)
    }

    /// Per block: its settings apply to this request.
    public var active: [Bool] { (0..<count).map { blocks[$0] } }

    /// Block `index` applies.
    public func contains(_ index: Int) -> Bool { blocks[index] }

    /// The captures of block `index`'s `=~` condition, when kept.
    public func captures(of index: Int) -> Captures? {
        captures.indices.contains(index) ? captures[index] : nil
    }

    /// Blocks in config order that apply.
    public var indices: [Int] { (0..<count).filter { blocks[$0] } }
}

/// Evaluates the condition tree (lighttpd's semantics): the global block always applies; a block applies
/// when its parent applies and its condition is true; an `else` branch only when no branch before it in
/// the chain was taken.
public struct ConditionEvaluator: Sendable {
    public let site: Site

    public init(site: Site) {
        self.site = site
    }

    /// One condition's outcome, for `explain`.
    public struct Evaluation: Sendable {
        public var block: Int
        public var result: Bool
    }

    public func evaluate(
        _ facts: RequestFacts, path: [UInt8], headers: some HeaderLookup,
        trace: ((Evaluation) -> Void)? = nil
    ) -> ActiveBlocks {
        let nodes = site.tree.nodes
        var active = BlockSet()
        // Captures are kept only for configs that use `%n`; otherwise no array is allocated.
        var captures: [Captures?] = site.keepsCaptures ? .init(repeating: nil, count: nodes.count) : []
        guard !nodes.isEmpty else { return ActiveBlocks(blocks: active, count: 0, captures: captures) }
        active[0] = true
        // A chain's branch was taken, or one before it was: tracked per chain through `previousBranch`, which
        // always points at an earlier block, so one pass in config order suffices.
        var chainTaken = BlockSet()
        for index in 1..<nodes.count {
            let node = nodes[index]
            guard node.parent >= 0, active[node.parent] else { continue }
            if node.previousBranch >= 0, chainTaken[node.previousBranch] {
                chainTaken[index] = true
                continue
            }
            let taken: Bool
            switch node.test {
            case .always:
                taken = true
            case .never:
                taken = false
                if site.conditions[index] != nil { trace?(Evaluation(block: index, result: false)) }
            case .condition:
                taken = site.conditions[index].map {
                    matches($0, block: index, facts: facts, path: path, headers: headers, captures: &captures)
                } ?? false
                trace?(Evaluation(block: index, result: taken))
            }
            if taken {
                active[index] = true
                chainTaken[index] = true
            }
        }
        return ActiveBlocks(blocks: active, count: nodes.count, captures: captures)
    }

    private func matches(
        _ condition: CompiledCondition, block: Int, facts: RequestFacts, path: [UInt8], headers: some HeaderLookup,
        captures: inout [Captures?]
    ) -> Bool {
        let result: Bool
        switch condition.field {
        case .serverSocket:
            return facts.socketBlocks.contains(block)
        case .physicalPath, .physicalExistingPath:
            return false
        case .url:
            result = path.withUnsafeBufferPointer { match(condition, $0, block: block, captures: &captures) }
        case .queryString:
            result = (facts.rawQuery ?? [][...]).withUnsafeBufferPointer {
                match(condition, $0, block: block, captures: &captures)
            }
        case .host:
            var host = facts.host
            result = host.withUTF8 { bytes in
                if case .equal(let expected) = condition.matcher {
                    return bytes.elementsEqual(expected)
                        || ConditionEvaluator.hostWithoutPort(bytes).elementsEqual(expected)
                }
                return match(condition, bytes, block: block, captures: &captures)
            }
        case .remoteIP:
            if case .cidr(let cidr) = condition.matcher {
                result = facts.remoteAddress.map(cidr.contains) ?? false
            } else {
                result = matchText(condition, facts.remoteAddress?.description ?? "", block: block, captures: &captures)
            }
        case .scheme:
            result = matchText(condition, facts.scheme, block: block, captures: &captures)
        case .requestMethod:
            result = matchText(condition, facts.method, block: block, captures: &captures)
        case .requestHeader(let name):
            // An absent header compares as the empty string, so `!= ""` means "present" (lighttpd).
            result = matchText(condition, headers.firstValue(name: name) ?? "", block: block, captures: &captures)
        }
        return condition.isNegated ? !result : result
    }

    private func matchText(
        _ condition: CompiledCondition, _ text: String, block: Int, captures: inout [Captures?]
    ) -> Bool {
        var text = text
        return text.withUTF8 { match(condition, $0, block: block, captures: &captures) }
    }

    private func match(
        _ condition: CompiledCondition, _ subject: UnsafeBufferPointer<UInt8>, block: Int, captures: inout [Captures?]
    ) -> Bool {
        switch condition.matcher {
        case .equal(let expected):
            return subject.elementsEqual(expected)
        case .prefix(let expected):
            return subject.starts(with: expected)
        case .suffix(let expected):
            return subject.count >= expected.count && subject.suffix(expected.count).elementsEqual(expected)
        case .cidr:
            return false
        case .regex(let regex):
            guard let found = regex.firstMatch(in: subject) else { return false }
            if site.capturesNeeded[block] { captures[block] = Captures(found, in: subject) }
            return true
        }
    }

    /// `example.com:8080` → `example.com` (and `[::1]:80` → `[::1]`): `$HTTP["host"] == "example.com"`
    /// matches either (lighttpd tolerates the port with `==` / `!=`).
    static func hostWithoutPort(_ host: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
        guard let colon = host.lastIndex(of: UInt8(ascii: ":")),
            host[(colon + 1)...].allSatisfy({ $0 >= 48 && $0 <= 57 }),
            host.first != UInt8(ascii: "[") || host[colon - 1] == UInt8(ascii: "]")
        else { return host[...] }
        return host[..<colon]
    }
}
