#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The arithmetic of the peak-EWMA latency estimate kept in `BackendStats` and read by the `ewma` balancer.
///
/// This is Finagle's `PeakEwma` (also Linkerd's and Envoy's): with `w = e^(−Δ/τ)`, Δ the time since the previous
/// sample and τ the decay time,
/// - a response slower than the current estimate replaces it at once (the *peak*: one slow answer is enough to
///   steer traffic away),
/// - a faster one is averaged in by time, `c ← c·w + r·(1−w)`, so the estimate forgets over τ seconds rather
///   than over N samples,
/// - between samples the estimate decays toward zero, `c(t) = c·e^(−(t−t₀)/τ)`: a backend that gets no answers
///   because it is avoided is probed again after a few τ.
///
/// τ defaults to 10 s (Finagle's and Linkerd's default).
///
/// **Stored in the log domain.** Decaying every backend's estimate on every decision would cost an `exp` per
/// backend. Instead `BackendStats` keeps `L = ln c + t₀/τ`, so `ln c(t) = L − t/τ`: the decay is a term common to
/// all backends, and comparing `c(t)·(inFlight + 1)` is comparing `L + ln(inFlight + 1)`, two loads and an add
/// per backend with no clock arithmetic at all. The exponentials are paid once per answer, in `updated`.
public enum PeakEWMA {
    /// Default decay time τ: 10 s.
    public static let defaultDecay: UInt64 = 10_000_000_000

    /// The log-domain value after a response that took `latency` ns, seen at `now`; `previous` is the stored
    /// value (nil when cold) and `previousStamp` the time of the previous sample.
    static func updated(_ previous: Double?, previousStamp: UInt64, latency: UInt64, now: UInt64,
                        decay: UInt64) -> Double {
        let sample = Double(max(latency, 1))
        guard let previous else { return logValue(sample, at: now, decay: decay) }
        let current = estimate(previous, at: now, decay: decay)  // c·w
        guard sample <= current else { return logValue(sample, at: now, decay: decay) }
        let elapsed = now > previousStamp ? Double(now - previousStamp) : 0
        let w = exp(-elapsed / tau(decay))
        return logValue(current + sample * (1 - w), at: now, decay: decay)
    }

    /// The estimate in ns at `now` from a stored log-domain value.
    static func estimate(_ stored: Double, at now: UInt64, decay: UInt64) -> Double {
        exp(stored - Double(now) / tau(decay))
    }

    /// The log-domain value of an estimate of `nanoseconds` at `now`.
    static func logValue(_ nanoseconds: Double, at now: UInt64, decay: UInt64) -> Double {
        log(max(nanoseconds, 1)) + Double(now) / tau(decay)
    }

    /// `ln(n + 1)` for the common small in-flight counts, the load term of the `ewma` score. Read it once per
    /// decision (a `static let` costs a once-check per access) and pass it to `logLoadFactor`.
    static let smallLoadLogs: [Double] = (1...128).map { log(Double($0)) }

    /// `ln(inFlight + 1)`, from `table` (`smallLoadLogs`) when the count is small.
    static func logLoadFactor(_ inFlight: Int, table: [Double]) -> Double {
        let count = max(inFlight, 0)
        return count < table.count ? table[count] : log(Double(count) + 1)
    }

    private static func tau(_ decay: UInt64) -> Double {
        Double(max(decay, 1))
    }
}
