/// `ewma`: the lowest peak-EWMA response time × (requests in flight + 1) (Finagle/Linkerd "peak EWMA"; Envoy's
/// contrib Peak EWMA). It reacts to a backend that is slow, not only one that is busy: `sqf` keeps feeding a
/// backend that answers in 10× the time as long as its queue is as short as the others'.
///
/// The estimate (see `PeakEWMA`, τ = 10 s by default) is read decayed to `now`, so an avoided backend drifts
/// back toward zero and is probed again. A cold backend (no answer yet) is scored as if it were as fast as the
/// fastest warm one, and wins ties: it gets traffic at once (probing), but no more than its in-flight count
/// allows, so a slow newcomer cannot swallow a burst before its first answer. With no warm backend at all the
/// policy is `sqf`. Ties rotate as in `sqf` (`TieBreakCursor`).
public final class PeakEWMABalancer: LoadBalancer {
    private let cursor = TieBreakCursor()

    public init() {}

    public func pick(from backends: [Backend], for request: BalancingRequest, now: UInt64) -> Int? {
        let count = backends.count
        guard count > 0 else { return nil }
        var index = cursor.start(count: count)
        var bestWarm = -1
        var bestWarmScore = Double.infinity
        var fastestWarm = Double.infinity
        var bestCold = -1
        var bestColdLoad = Int.max
        for _ in 0..<count {
            let backend = backends[index]
            if backend.health.isUp(at: now) {
                let load = backend.stats.inFlight
                if let latency = backend.stats.latencyEstimate(at: now) {
                    let score = latency * Double(max(load, 0) + 1)
                    if score < bestWarmScore || bestWarm < 0 {
                        bestWarm = index
                        bestWarmScore = score
                    }
                    fastestWarm = min(fastestWarm, latency)
                } else if load < bestColdLoad {
                    bestCold = index
                    bestColdLoad = load
                }
            }
            index += 1
            if index == count { index = 0 }
        }
        let chosen: Int
        if bestCold < 0 {
            chosen = bestWarm
        } else if bestWarm < 0 {
            chosen = bestCold
        } else {
            let coldScore = fastestWarm * Double(max(bestColdLoad, 0) + 1)
            chosen = coldScore <= bestWarmScore ? bestCold : bestWarm
        }
        guard chosen >= 0 else { return nil }
        cursor.chose(chosen)
        return chosen
    }
}
