import Synchronization

/// The counts of one backend, shared by every event loop: requests in flight, requests begun, failures and the
/// peak-EWMA response time. Every operation is one relaxed atomic (the EWMA a compare-and-swap loop and a store), so
/// the request path never takes a lock; readers may see one count a moment older than another, which no
/// balancing decision or status page can tell apart from a slightly different moment.
///
/// Writes go through `BackendTicket` (begin / finish); balancers and `server-status` only read.
public final class BackendStats: Sendable {
    /// τ of the latency estimate, in nanoseconds (see `PeakEWMA`).
    public let latencyDecay: UInt64

    private let inFlightCount = Atomic<Int>(0)
    private let requestCount = Atomic<UInt64>(0)
    private let failureCount = Atomic<UInt64>(0)
    /// The latency estimate in `PeakEWMA`'s log domain, as `Double` bits; 0 (never a stored value) means cold.
    private let latencyLog = Atomic<UInt64>(0)
    /// When the last latency sample arrived (ns).
    private let latencyStamp = Atomic<UInt64>(0)

    public init(latencyDecay: UInt64 = PeakEWMA.defaultDecay) {
        self.latencyDecay = latencyDecay
    }

    /// Requests sent to this backend and not finished yet.
    public var inFlight: Int { inFlightCount.load(ordering: .relaxed) }

    /// Requests ever begun on this backend.
    public var requests: UInt64 { requestCount.load(ordering: .relaxed) }

    /// Requests that ended in a failure (connect failure, error or timeout).
    public var failures: UInt64 { failureCount.load(ordering: .relaxed) }

    /// The peak-EWMA response time in nanoseconds as seen at `now` (decayed since the last answer), or nil before
    /// the first answer.
    public func latencyEstimate(at now: UInt64) -> Double? {
        logLatency.map { PeakEWMA.estimate($0, at: now, decay: latencyDecay) }
    }

    /// The estimate in `PeakEWMA`'s log domain (`ln estimate + t/τ`), nil when cold: what `ewma` compares.
    var logLatency: Double? {
        Self.decode(latencyLog.load(ordering: .relaxed))
    }

    private static func decode(_ bits: UInt64) -> Double? {
        bits == 0 ? nil : Double(bitPattern: bits)
    }

    private static func encode(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits == 0 ? (-0.0 as Double).bitPattern : bits  // +0.0 would read as cold
    }

    /// A consistent-enough copy for `server-status`.
    public func snapshot(at now: UInt64) -> Snapshot {
        Snapshot(inFlight: inFlight, requests: requests, failures: failures, latencyEstimate: latencyEstimate(at: now))
    }

    public struct Snapshot: Sendable, Equatable {
        public var inFlight: Int
        public var requests: UInt64
        public var failures: UInt64
        /// Nanoseconds; nil before the first answer.
        public var latencyEstimate: Double?
    }

    // MARK: Writes, used by BackendTicket

    func requestBegan() {
        inFlightCount.wrappingAdd(1, ordering: .relaxed)
        requestCount.wrappingAdd(1, ordering: .relaxed)
    }

    func requestEnded() {
        inFlightCount.wrappingSubtract(1, ordering: .relaxed)
    }

    func recordFailure() {
        failureCount.wrappingAdd(1, ordering: .relaxed)
    }

    /// Feeds one response time into the estimate. With `onlyRaise`, a sample can raise the estimate but never
    /// lower it: a backend that fails fast must not look fast.
    func recordLatency(_ latency: UInt64, at now: UInt64, onlyRaise: Bool = false) {
        var oldBits = latencyLog.load(ordering: .relaxed)
        while true {
            let old = Self.decode(oldBits)
            if onlyRaise, let old, Double(latency) <= PeakEWMA.estimate(old, at: now, decay: latencyDecay) {
                return
            }
            let new = PeakEWMA.updated(old, previousStamp: latencyStamp.load(ordering: .relaxed), latency: latency,
                                       now: now, decay: latencyDecay)
            let (exchanged, original) = latencyLog.compareExchange(
                expected: oldBits, desired: Self.encode(new), ordering: .relaxed)
            if exchanged {
                // Two answers racing may leave the older stamp; that only misweights one sample a little.
                latencyStamp.store(now, ordering: .relaxed)
                return
            }
            oldBits = original
        }
    }
}
