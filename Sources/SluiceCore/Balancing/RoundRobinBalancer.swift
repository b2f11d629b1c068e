import Synchronization

/// `round-robin` (alias `rr`): strict rotation in configuration order, skipping backends that are down
/// (lighttpd 1.4's `last_used_ndx`; not 1.5's, which was a random pick).
///
/// The shared cursor holds the index used last; each decision takes the next backend after it that is up and
/// moves the cursor there with a compare-and-swap (retrying if another event loop moved it first). Because the
/// cursor lands on the backend actually used, a down backend is skipped without giving its turns to its
/// neighbour: with B down, A,B,C rotates A,C,A,C, not A,C,C.
public final class RoundRobinBalancer: LoadBalancer {
    private let lastUsed = Atomic<Int>(-1)

    public init() {}

    public func pick(from backends: [Backend], for request: BalancingRequest, now: UInt64) -> Int? {
        let count = backends.count
        guard count > 0 else { return nil }
        var last = lastUsed.load(ordering: .relaxed)
        while true {
            var index = last + 1
            if index < 0 || index >= count { index = 0 }
            var found = false
            for _ in 0..<count {
                if backends.isUp(index, at: now) {
                    found = true
                    break
                }
                index += 1
                if index == count { index = 0 }
            }
            guard found else { return nil }
            let (exchanged, current) = lastUsed.compareExchange(expected: last, desired: index, ordering: .relaxed)
            if exchanged { return index }
            last = current
        }
    }
}
