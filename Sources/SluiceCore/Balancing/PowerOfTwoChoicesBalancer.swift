/// `p2c`: two distinct backends drawn at random among those that are up; the one with fewer requests in flight
/// wins (Mitzenmacher, "The power of two choices in randomized load balancing", 2001; nginx `random two
/// least_conn`, Envoy `LEAST_REQUEST`). Nearly as good as `sqf` on queue length, without a full scan, and with
/// no herd: concurrent decisions rarely agree on the same backend.
///
/// One random word gives both draws (its low and high 32 bits). If both land on backends that are up (the usual
/// case) the decision is O(1); otherwise it falls back to counting the backends that are up and drawing two
/// distinct ones among them, so down backends never skew the choice. Ties go to the first draw, itself random.
public final class PowerOfTwoChoicesBalancer: LoadBalancer {
    private let random: any BalancerRandom

    public init(random: any BalancerRandom) {
        self.random = random
    }

    public func pick(from backends: [Backend], for request: BalancingRequest, now: UInt64) -> Int? {
        let count = backends.count
        if count <= 1 {
            return count == 1 && backends.isUp(0, at: now) ? 0 : nil
        }
        let (first, second) = Self.distinctPair(random.next(), count: count)
        if backends.isUp(first, at: now) && backends.isUp(second, at: now) {
            return backends.inFlight(second) < backends.inFlight(first) ? second : first
        }
        return pickAmongUp(backends, now: now)
    }

    /// Two distinct indices in `0..<count` (`count` ≥ 2) from one random word: the first uniform over `count`,
    /// the second uniform over the other `count − 1`.
    static func distinctPair(_ word: UInt64, count: Int) -> (Int, Int) {
        let first = Int(((word & 0xffff_ffff) &* UInt64(count)) >> 32)
        var second = Int(((word >> 32) &* UInt64(count - 1)) >> 32)
        if second >= first { second += 1 }
        return (first, second)
    }

    private func pickAmongUp(_ backends: [Backend], now: UInt64) -> Int? {
        var upCount = 0
        var onlyUp = -1
        for index in backends.indices where backends.isUp(index, at: now) {
            upCount += 1
            onlyUp = index
        }
        if upCount <= 1 { return upCount == 1 ? onlyUp : nil }
        let (firstRank, secondRank) = Self.distinctPair(random.next(), count: upCount)
        var first = -1
        var second = -1
        var rank = 0
        for index in backends.indices where backends.isUp(index, at: now) {
            if rank == firstRank { first = index }
            if rank == secondRank { second = index }
            rank += 1
        }
        // A backend may have gone down between the two scans; fall back to whichever draw is still valid.
        guard first >= 0, second >= 0 else { return first >= 0 ? first : (second >= 0 ? second : nil) }
        return backends.inFlight(second) < backends.inFlight(first) ? second : first
    }
}
