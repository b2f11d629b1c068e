/// What policies read per backend while scanning, without reference counting. A plain `backends[i].health…`
/// retains and releases the backend around the atomic load (the optimiser will not move ARC across it), which
/// cost more than the decision itself (about 10 ns per backend). The array passed to `pick` keeps every element
/// alive for the whole call, so an `unowned(unsafe)` view is sound.
extension Array where Element == Backend {
    /// Whether the backend at `index` may be chosen at `now`.
    func isUp(_ index: Int, at now: UInt64) -> Bool {
        unowned(unsafe) let backend = self[index]
        return backend.health.isUp(at: now)
    }

    /// Requests in flight on the backend at `index`.
    func inFlight(_ index: Int) -> Int {
        unowned(unsafe) let backend = self[index]
        return backend.stats.inFlight
    }

    /// The latency estimate of the backend at `index` in `PeakEWMA`'s log domain, nil when cold.
    func logLatency(_ index: Int) -> Double? {
        unowned(unsafe) let backend = self[index]
        return backend.stats.logLatency
    }

    /// The rendezvous seed of the backend at `index`.
    func rendezvousSeed(_ index: Int) -> UInt64 {
        unowned(unsafe) let backend = self[index]
        return backend.rendezvousSeed
    }
}
