import Synchronization

/// One request's claim on a backend: created by `BackendGroup.begin` (in flight +1), ended by `finish` (in flight
/// −1, latency and failure recorded, health told).
///
/// Finishing twice is harmless: only the first `finish` counts (an atomic flag), later ones return false. A
/// ticket dropped without `finish` releases its in-flight slot in `deinit` as `.abandoned`, so a forgotten path
/// can never leave a backend looking busy forever. It is a class so the proxy can keep it in any state machine
/// or handler; that costs one small allocation per request.
public final class BackendTicket: Sendable {
    public let backend: Backend
    /// When the request began (ns, the group's clock).
    public let startedAt: UInt64
    private let finished = Atomic<Bool>(false)

    init(backend: Backend, startedAt: UInt64) {
        self.backend = backend
        self.startedAt = startedAt
        backend.stats.requestBegan()
    }

    /// Ends the request at `now`. Returns false (and changes nothing) if the ticket was already finished.
    @discardableResult
    public func finish(_ outcome: BackendOutcome, at now: UInt64) -> Bool {
        guard !finished.exchange(true, ordering: .relaxed) else { return false }
        let stats = backend.stats
        let latency = now >= startedAt ? now - startedAt : 0
        switch outcome {
        case .success:
            stats.recordLatency(latency, at: now)
            backend.health.requestSucceeded()
        case .failure:
            stats.recordFailure()
            stats.recordLatency(latency, at: now, onlyRaise: true)
            backend.health.requestFailed(at: now)
        case .connectFailure:
            stats.recordFailure()
            backend.health.connectFailed(at: now)
        case .abandoned:
            break
        }
        stats.requestEnded()
        return true
    }

    /// Whether `finish` has run.
    public var isFinished: Bool { finished.load(ordering: .relaxed) }

    deinit {
        if !finished.load(ordering: .relaxed) {
            backend.stats.requestEnded()
        }
    }
}
