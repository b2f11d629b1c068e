/// `sqf` (aliases `fair`, `least-connection`): the backend with the fewest requests in flight, counted across
/// every event loop (lighttpd 1.5 `sqf`, 1.4 `fair`, lighttpd2 `mod_balance` sqf, nginx `least_conn`).
///
/// Unlike lighttpd, ties rotate: the scan starts just after the previous choice (`TieBreakCursor`) and the first
/// backend with the lowest count from there wins, so idle backends are used in turn. A backend with nothing in
/// flight ends the scan early.
public final class ShortestQueueFirstBalancer: LoadBalancer {
    private let cursor = TieBreakCursor()

    public init() {}

    public func pick(from backends: [Backend], for request: BalancingRequest, now: UInt64) -> Int? {
        let count = backends.count
        guard count > 0 else { return nil }
        var index = cursor.start(count: count)
        var best = -1
        var bestLoad = Int.max
        for _ in 0..<count {
            if backends.isUp(index, at: now) {
                let load = backends.inFlight(index)
                if load < bestLoad {
                    best = index
                    bestLoad = load
                    if load <= 0 { break }
                }
            }
            index += 1
            if index == count { index = 0 }
        }
        guard best >= 0 else { return nil }
        cursor.chose(best)
        return best
    }
}
