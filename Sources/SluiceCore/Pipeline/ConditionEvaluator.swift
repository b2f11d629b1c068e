import LighttpdConfig

/// Which blocks of a site match a request, and the captures of matching regex conditions.
public struct ActiveBlocks: Sendable {
    /// Per block: its settings apply to this request.
    public var active: [Bool]
    /// Per block: captures of its `=~` condition when it matched and some value uses `%n`.
    public var captures: [Captures?]

    public init(active: [Bool], captures: [Captures?]) {
        self.active = active
        self.captures = captures
    }

    /// Blocks in config order that apply.
    public var indices: [Int] { active.indices.filter { active[$0] } }
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
        let blocks = site.config.blocks
        var active = [Bool](repeating: false, count: blocks.count)
        var chainTaken = [Bool](repeating: false, count: blocks.count)
        var captures = [Captures?](repeating: nil, count: blocks.count)
        active[0] = true
        for index in blocks.indices.dropFirst() {
            let block = blocks[index]
            guard let parent = block.parent, active[parent] else { continue }
            let earlierTaken = block.previousBranch.map { chainTaken[$0] } ?? false
            if earlierTaken {
                chainTaken[index] = true
                continue
            }
            var taken = true
            if let condition = site.conditions[index] {
                taken = matches(condition, block: index, facts: facts, path: path, headers: headers, captures: &captures)
                trace?(Evaluation(block: index, result: taken))
            } else if block.condition != nil {
                taken = false  // a condition that failed to compile never matches (the config was rejected)
            }
            active[index] = taken
            chainTaken[index] = taken
        }
        return ActiveBlocks(active: active, captures: captures)
    }

    private func matches(
        _ condition: CompiledCondition, block: Int, facts: RequestFacts, path: [UInt8], headers: some HeaderLookup,
        captures: inout [Captures?]
    ) -> Bool {
        let result: Bool
        switch condition.field {
        case .serverSocket:
            return facts.socketBlock == block
        case .physicalPath, .physicalExistingPath:
            return false
        case .url:
            result = match(condition, path[...], block: block, captures: &captures)
        case .queryString:
            result = match(condition, facts.rawQuery ?? [][...], block: block, captures: &captures)
        case .host:
            let host = Array(facts.host.utf8)
            if case .equal(let expected) = condition.matcher {
                result = host == expected || ConditionEvaluator.hostWithoutPort(host) == expected[...]
            } else {
                result = match(condition, host[...], block: block, captures: &captures)
            }
        case .remoteIP:
            if case .cidr(let cidr) = condition.matcher {
                result = facts.remoteAddress.map(cidr.contains) ?? false
            } else {
                let text = facts.remoteAddress?.description ?? ""
                result = match(condition, Array(text.utf8)[...], block: block, captures: &captures)
            }
        case .scheme:
            result = match(condition, Array(facts.scheme.utf8)[...], block: block, captures: &captures)
        case .requestMethod:
            result = match(condition, Array(facts.method.utf8)[...], block: block, captures: &captures)
        case .requestHeader(let name):
            // An absent header compares as the empty string, so `!= ""` means "present" (lighttpd).
            let value = headers.firstValue(name: name) ?? ""
            result = match(condition, Array(value.utf8)[...], block: block, captures: &captures)
        }
        return condition.isNegated ? !result : result
    }

    private func match(
        _ condition: CompiledCondition, _ subject: ArraySlice<UInt8>, block: Int, captures: inout [Captures?]
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
            return subject.withUnsafeBufferPointer { buffer in
                guard let found = regex.firstMatch(in: buffer) else { return false }
                if site.capturesNeeded[block] { captures[block] = Captures(found, in: buffer) }
                return true
            }
        }
    }

    /// `example.com:8080` → `example.com` (and `[::1]:80` → `[::1]`): `$HTTP["host"] == "example.com"`
    /// matches either (lighttpd tolerates the port with `==` / `!=`).
    static func hostWithoutPort(_ host: [UInt8]) -> ArraySlice<UInt8> {
        guard let colon = host.lastIndex(of: UInt8(ascii: ":")),
            host[(colon + 1)...].allSatisfy({ $0 >= 48 && $0 <= 57 }),
            host.first != UInt8(ascii: "[") || host[colon - 1] == UInt8(ascii: "]")
        else { return host[...] }
        return host[..<colon]
    }
}
