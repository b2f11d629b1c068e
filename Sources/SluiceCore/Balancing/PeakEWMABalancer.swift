/// `ewma`: the lowest peak-EWMA response time × (requests in flight + 1) (Finagle/Linkerd "peak EWMA"; Envoy's
/// contrib Peak EWMA). It reacts to a backend that is slow, not only one that is busy: `sqf` keeps feeding a
/// backend that answers in 10× the time as long as its queue is as short as the others'.
///
/// The estimate (see `PeakEWMA`, τ = 10 s by default) decays toward zero while no answer arrives, so an avoided
/// backend is probed again after a few τ. Scores are compared in the log domain, `L + ln(inFlight + 1)`, which
/// needs no clock arithmetic per backend. A cold backend (no answer yet) is scored as if it were as fast as the
/// fastest warm one, and wins ties: it gets traffic at once (probing), but no more than its in-flight count
/// allows, so a slow newcomer cannot swallow a burst before its first answer. With no warm backend at all the
/// policy is `sqf`. Ties rotate as in `sqf` (`TieBreakCursor`).
public final class PeakEWMABalancer: LoadBalancer {
    private let cursor = TieBreakCursor()

    public init() {}

    public func pick(from backends: [Backend], for request: BalancingRequest, now: UInt64) -> Int? {
        let count = backends.count
        guard count > 0 else { return nil }
        let loadLogs = PeakEWMA.smallLoadLogs
        var index = cursor.start(count: count)
        var bestWarm = -1
        var bestWarmScore = Double.infinity
        var fastestWarm = Double.infinity
        var bestCold = -1
        var bestColdLoad = Int.max
        for _ in 0..<count {
            if backends.isUp(index, at: now) {
                let load = backends.inFlight(index)
                if let latency = backends.logLatency(index) {
                    let score = latency + PeakEWMA.logLoadFactor(load, table: loadLogs)
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
            let coldScore = fastestWarm + PeakEWMA.logLoadFactor(bestColdLoad, table: loadLogs)
            chosen = coldScore <= bestWarmScore ? bestCold : bestWarm
        }
        guard chosen >= 0 else { return nil }
        cursor.chose(chosen)
        return chosen
    }
}
