import Synchronization

/// Randomness for balancers (`p2c`), injected so tests can script it and simulations can seed it.
/// Shared by every event loop, so implementations must be thread-safe.
public protocol BalancerRandom: Sendable {
    /// 64 uniformly distributed bits.
    func next() -> UInt64
}

/// The production source: splitmix64 over one atomic counter. Each call is one relaxed atomic add and a few
/// multiplies, lock-free from any thread; the sequence for a given seed is fixed, so a simulation is repeatable.
public final class AtomicSplitMix64: BalancerRandom {
    private let state: Atomic<UInt64>

    public init(seed: UInt64) {
        state = Atomic(seed)
    }

    public func next() -> UInt64 {
        let counter = state.wrappingAdd(SplitMix64.gamma, ordering: .relaxed).newValue
        return StableHash.mix(counter)
    }
}

/// A plain (single-owner) splitmix64 generator, for the simulator's own sampling.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The golden-ratio increment of splitmix64.
    static let gamma: UInt64 = 0x9e37_79b9_7f4a_7c15
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state = state &+ Self.gamma
        return StableHash.mix(state)
    }

    /// A uniform `Double` in the open interval (0, 1): never 0, so `log` of it is finite.
    public mutating func nextUnitInterval() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }
}
