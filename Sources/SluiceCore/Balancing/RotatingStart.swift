import Synchronization

/// Where a scan over the backends starts: a shared counter that advances on every decision, so equal candidates
/// are taken in turn instead of always the first listed (lighttpd's `sqf` sends every tie to the first backend,
/// which piles the start of a burst onto it).
final class RotatingStart: Sendable {
    private let counter = Atomic<UInt>(0)

    /// The next start position in `0..<count` (`count` > 0).
    func next(modulo count: Int) -> Int {
        let value = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        return Int(value % UInt(count))
    }
}
