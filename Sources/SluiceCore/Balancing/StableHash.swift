/// A 64-bit hash that is the same in every process, on every platform and after every restart.
///
/// The `hash` and `sticky` balancers must send a key to the same backend from every Sluice process and after a
/// reload, so they cannot use Swift's `Hasher` (seeded per process). FNV-1a (64-bit, the published offset basis
/// and prime) absorbs the bytes; its low bits mix poorly, so every value used for a decision goes through the
/// splitmix64 finaliser (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014),
/// which spreads every input bit over the whole output.
///
/// Changing any constant here moves keys between backends in production: `StableHashTests` pins golden values.
public enum StableHash {
    /// FNV-1a 64-bit offset basis.
    public static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    /// FNV-1a 64-bit prime.
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// Absorbs `bytes` into a running FNV-1a state (start from `seed`).
    public static func absorb(_ state: UInt64, _ bytes: some Sequence<UInt8>) -> UInt64 {
        var h = state
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* prime
        }
        return h
    }

    /// Absorbs one byte (used as a separator between fields so `"ab" + "c"` and `"a" + "bc"` differ).
    public static func absorb(_ state: UInt64, byte: UInt8) -> UInt64 {
        (state ^ UInt64(byte)) &* prime
    }

    /// FNV-1a of `bytes`, not yet mixed.
    public static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        absorb(seed, bytes)
    }

    /// The splitmix64 finaliser: a bijection on 64 bits with full avalanche.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z &>> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z &>> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z &>> 31)
    }

    /// The finished hash of `bytes`: FNV-1a then the finaliser.
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        mix(fnv1a(bytes))
    }
}
