#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A distribution of durations (service times, think times) for the simulator.
public enum LatencyDistribution: Sendable, Equatable {
    /// Always the same.
    case fixed(Duration)
    /// Memoryless, with this mean (the M/M/k textbook case).
    case exponential(mean: Duration)
    /// `median · e^(σ·Z)`, Z standard normal: the long right tail of real request times (σ ≈ 0.5–1).
    case logNormal(median: Duration, sigma: Double)

    /// The mean in nanoseconds.
    public var meanNanoseconds: Double {
        switch self {
        case .fixed(let value): value.nanoseconds
        case .exponential(let mean): mean.nanoseconds
        case .logNormal(let median, let sigma): median.nanoseconds * exp(sigma * sigma / 2)
        }
    }

    /// One draw in nanoseconds.
    func sample(using random: inout SplitMix64) -> UInt64 {
        switch self {
        case .fixed(let value):
            return UInt64(max(value.nanoseconds, 0))
        case .exponential(let mean):
            return Self.exponentialSample(mean: mean.nanoseconds, using: &random)
        case .logNormal(let median, let sigma):
            // Box–Muller: one standard normal from two uniforms.
            let radius = (-2 * log(random.nextUnitInterval())).squareRoot()
            let normal = radius * cos(2 * Double.pi * random.nextUnitInterval())
            return UInt64(min(median.nanoseconds * exp(sigma * normal), 1e18))
        }
    }
}

extension LatencyDistribution {
    /// One exponential draw with `mean` nanoseconds (inverse transform: `−mean · ln U`).
    static func exponentialSample(mean: Double, using random: inout SplitMix64) -> UInt64 {
        UInt64(min(max(-mean * log(random.nextUnitInterval()), 0), 1e18))
    }
}

extension Duration {
    /// Whole nanoseconds as a `Double`.
    var nanoseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }
}
