import Synchronization

@testable import SluiceCore

/// Random words from a script, in order (then zeros), so a test knows every draw a policy makes.
final class ScriptedRandom: BalancerRandom {
    private let words: Mutex<[UInt64]>

    init(_ words: [UInt64]) {
        self.words = Mutex(words.reversed())
    }

    func next() -> UInt64 {
        words.withLock { $0.popLast() ?? 0 }
    }
}

/// A random word whose two halves make `PowerOfTwoChoicesBalancer` draw raw values `low` (of `count`) and `high`
/// (of `count − 1`): the half is the lower end of the slot, so `value * count >> 32 == index`.
func p2cWord(first: Int, secondRaw: Int, count: Int) -> UInt64 {
    func half(_ index: Int, of n: Int) -> UInt64 {
        // Smallest 32-bit value mapping to `index`: ceil(index * 2^32 / n).
        (UInt64(index) << 32 + UInt64(n) - 1) / UInt64(n)
    }
    return half(secondRaw, of: count - 1) << 32 | half(first, of: count)
}

/// Milliseconds as nanoseconds, for readable clocks in tests.
func ms(_ value: UInt64) -> UInt64 { value * 1_000_000 }

extension BackendGroup {
    /// A group named "A", "B", "C", … with `count` backends.
    static func lettered(_ count: Int, _ kind: BalancerKind, random: any BalancerRandom = ScriptedRandom([]),
                         health: HealthPolicy = HealthPolicy()) -> BackendGroup {
        let names = (0..<count).map { String(UnicodeScalar(UInt8(ascii: "A") + UInt8($0))) }
        return BackendGroup(names: names, balancer: kind, health: health, random: random)
    }

    /// The names of `count` successive choices at `now`.
    func names(of count: Int, request: BalancingRequest = .empty, now: UInt64 = 0) -> [String] {
        (0..<count).map { _ in choose(for: request, now: now)?.name ?? "-" }
    }

    subscript(name: String) -> Backend {
        backends.first { $0.name == name }!
    }

    /// Holds `count` requests in flight on the named backend (the tickets must be kept alive).
    func hold(_ count: Int, on name: String, now: UInt64 = 0) -> [BackendTicket] {
        (0..<count).map { _ in begin(on: self[name], now: now) }
    }

    /// Disables the named backend as a connect failure at `now` would.
    func disable(_ name: String, at now: UInt64 = 0) {
        self[name].health.connectFailed(at: now)
    }
}
