import NIOCore

/// The artificial service time of a response: `base + uniform(0...jitter)`.
///
/// Benchmarks of balancing policies (SPEC §5) need slow and uneven backends; the delay is scheduled on the
/// connection's event loop, so a delayed response never blocks other connections. It applies to every HTTP
/// response (for `/sse` and `/bytes`, before the head); a WebSocket upgrade on `/ws` is answered at once.
struct ResponseDelay: Sendable, Equatable {
    var base: TimeAmount
    var jitter: TimeAmount

    static let none = ResponseDelay(base: .zero, jitter: .zero)

    var isZero: Bool { self.base == .zero && self.jitter == .zero }

    /// The delay for one response; `generator` is injected so tests can make it deterministic.
    func next<Generator: RandomNumberGenerator>(using generator: inout Generator) -> TimeAmount {
        guard self.jitter.nanoseconds > 0 else { return self.base }
        return self.base + .nanoseconds(Int64.random(in: 0...self.jitter.nanoseconds, using: &generator))
    }
}
