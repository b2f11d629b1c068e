/// The arithmetic of the peak-EWMA latency estimate kept in `BackendStats` and read by the `ewma` balancer.
///
/// This is Finagle's `PeakEwma` (also Linkerd's and Envoy's): with `w = e^(−Δ/τ)`, Δ the time since the previous
/// sample and τ the decay time,
/// - a response slower than the decayed estimate replaces it at once (the *peak*: one slow answer is enough to
///   steer traffic away),
/// - a faster one is averaged in by time, `c ← c·w + r·(1−w)`, so the estimate forgets over τ seconds rather
///   than over N samples,
/// - a reader sees `c·e^(−Δ'/τ)`, Δ' the time since the last sample: a backend that gets no answers because it
///   is avoided drifts toward zero and is probed again after a few τ.
///
/// τ defaults to 10 s (Finagle's and Linkerd's default).
///
/// The estimate and its timestamp live in one `UInt64` so a single atomic holds them consistently:
/// the high 32 bits are the estimate in nanoseconds as a `Float` (24 significant bits are plenty for a
/// heuristic), the low 32 bits the time of the last sample in units of 2^20 ns (about 1.05 ms), modulo 2^32
/// (52 days; after a wrap an idle backend's estimate briefly looks recent, then decays again). Zero means *no
/// sample yet* (a cold backend).
public enum PeakEWMA {
    /// Default decay time τ: 10 s.
    public static let defaultDecay: UInt64 = 10_000_000_000

    /// log2 of the timestamp unit in nanoseconds.
    static let stampShift: UInt64 = 20

    /// The packed word after a response that took `latency` ns, seen at `now`.
    static func updated(_ word: UInt64, latency: UInt64, now: UInt64, decay: UInt64) -> UInt64 {
        let sample = Double(max(latency, 1))
        guard word != 0 else { return pack(estimate: sample, now: now) }
        let w = weight(word, now: now, decay: decay)
        let previous = Double(estimateBits(word))
        let decayed = previous * w
        let next = sample > decayed ? sample : previous * w + sample * (1 - w)
        return pack(estimate: next, now: now)
    }

    /// The estimate in ns as seen at `now` (decayed since the last sample), or nil when cold.
    static func estimate(_ word: UInt64, now: UInt64, decay: UInt64) -> Double? {
        guard word != 0 else { return nil }
        return Double(estimateBits(word)) * weight(word, now: now, decay: decay)
    }

    /// The estimate in ns as last stored (not decayed), or nil when cold.
    static func storedEstimate(_ word: UInt64) -> Double? {
        word == 0 ? nil : Double(estimateBits(word))
    }

    private static func estimateBits(_ word: UInt64) -> Float {
        Float(bitPattern: UInt32(truncatingIfNeeded: word >> 32))
    }

    /// `e^(−Δ/τ)` for the time since the stamp in `word`.
    private static func weight(_ word: UInt64, now: UInt64, decay: UInt64) -> Double {
        let stamp = UInt32(truncatingIfNeeded: word)
        let units = UInt32(truncatingIfNeeded: now >> stampShift) &- stamp
        guard units != 0 else { return 1 }
        let elapsed = Double(UInt64(units) << stampShift)
        return negativeExponential(elapsed / Double(max(decay, 1)))
    }

    private static func pack(estimate: Double, now: UInt64) -> UInt64 {
        let clamped = Float(min(max(estimate, 1), Double(Float.greatestFiniteMagnitude)))
        let stamp = UInt64(UInt32(truncatingIfNeeded: now >> stampShift))
        return UInt64(clamped.bitPattern) << 32 | stamp
    }

    /// `e^(−x)` for `x ≥ 0`, to better than 1e-6 relative, in a few nanoseconds and identically on every platform
    /// (no libm): `e^(−x) = 2^(−n) · e^(−t)` with `n = ⌊x·log2 e⌋` and `t ∈ [0, ln 2)` by a degree-8 Taylor
    /// polynomial. The `ewma` balancer calls this once per backend per decision.
    public static func negativeExponential(_ x: Double) -> Double {
        guard x > 0 else { return 1 }
        guard x < 700 else { return 0 }
        let y = x * 1.4426950408889634  // log2(e)
        let n = y.rounded(.down)
        let t = (y - n) * 0.6931471805599453  // ln(2)
        // e^(−t) = 1 − t + t²/2 − t³/6 + t⁴/24 − t⁵/120 + t⁶/720 − t⁷/5040 + t⁸/40320
        var p = 1.0 / 40320
        p = p * t - 1.0 / 5040
        p = p * t + 1.0 / 720
        p = p * t - 1.0 / 120
        p = p * t + 1.0 / 24
        p = p * t - 1.0 / 6
        p = p * t + 0.5
        p = p * t - 1
        p = p * t + 1
        let scale = Double(bitPattern: UInt64(1023 - Int(n)) << 52)  // 2^(−n), n ≤ 1009
        return p * scale
    }
}
