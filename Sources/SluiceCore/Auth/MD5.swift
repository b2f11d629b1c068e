/// MD5 (RFC 1321), the primitive under Apache's `$apr1$` password hash (see `APR1`).
///
/// MD5 is broken for collisions; it is here only so existing htpasswd files keep working.
public struct MD5: Sendable {
    public static let digestByteCount = 16

    private struct State: Sendable {
        var a: UInt32 = 0x6745_2301
        var b: UInt32 = 0xEFCD_AB89
        var c: UInt32 = 0x98BA_DCFE
        var d: UInt32 = 0x1032_5476
    }

    private var state = State()
    private var blocks = MessageBlockBuffer()

    public init() {}

    public mutating func update(_ bytes: some Collection<UInt8>) {
        var current = state
        bytes.withContiguousBytes { raw in
            blocks.append(raw) { Self.compress(&current, block: $0) }
        }
        state = current
    }

    /// The 16-byte digest. The hasher starts over afterwards, so one value can hash many messages.
    public mutating func finalize() -> [UInt8] {
        var digest: [UInt8] = []
        finalize(into: &digest)
        return digest
    }

    /// Replaces `digest`'s contents with the digest, reusing its storage (APR1's 1000 rounds).
    mutating func finalize(into digest: inout [UInt8]) {
        var current = state
        blocks.finish(lengthBigEndian: false) { Self.compress(&current, block: $0) }
        state = State()
        if digest.count != Self.digestByteCount {
            digest = [UInt8](repeating: 0, count: Self.digestByteCount)
        }
        digest.withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: current.a.littleEndian, toByteOffset: 0, as: UInt32.self)
            bytes.storeBytes(of: current.b.littleEndian, toByteOffset: 4, as: UInt32.self)
            bytes.storeBytes(of: current.c.littleEndian, toByteOffset: 8, as: UInt32.self)
            bytes.storeBytes(of: current.d.littleEndian, toByteOffset: 12, as: UInt32.self)
        }
    }

    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = MD5()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// One step of RFC 1321 §3.4: a = b + ((a + F(b, c, d) + X[k] + T[i]) <<< s), per round function.
    @inline(__always)
    private static func f(
        _ a: inout UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ s: UInt32, _ t: UInt32
    ) {
        a = b &+ (a &+ ((b & c) | (~b & d)) &+ x &+ t).rotatedLeft(by: s)
    }

    @inline(__always)
    private static func g(
        _ a: inout UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ s: UInt32, _ t: UInt32
    ) {
        a = b &+ (a &+ ((b & d) | (c & ~d)) &+ x &+ t).rotatedLeft(by: s)
    }

    @inline(__always)
    private static func h(
        _ a: inout UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ s: UInt32, _ t: UInt32
    ) {
        a = b &+ (a &+ (b ^ c ^ d) &+ x &+ t).rotatedLeft(by: s)
    }

    @inline(__always)
    private static func i(
        _ a: inout UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ s: UInt32, _ t: UInt32
    ) {
        a = b &+ (a &+ (c ^ (b | ~d)) &+ x &+ t).rotatedLeft(by: s)
    }

    /// The 64 steps of RFC 1321 §3.4 written out: T[i] = floor(2^32 × |sin(i + 1)|) as the last
    /// argument, the message word index and the rotation before it.
    private static func compress(_ state: inout State, block: UnsafeRawBufferPointer) {
        @inline(__always)
        func x(_ index: Int) -> UInt32 {
            UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 &* index, as: UInt32.self))
        }
        var a = state.a
        var b = state.b
        var c = state.c
        var d = state.d
        f(&a, b, c, d, x(0), 7, 0xD76A_A478)
        f(&d, a, b, c, x(1), 12, 0xE8C7_B756)
        f(&c, d, a, b, x(2), 17, 0x2420_70DB)
        f(&b, c, d, a, x(3), 22, 0xC1BD_CEEE)
        f(&a, b, c, d, x(4), 7, 0xF57C_0FAF)
        f(&d, a, b, c, x(5), 12, 0x4787_C62A)
        f(&c, d, a, b, x(6), 17, 0xA830_4613)
        f(&b, c, d, a, x(7), 22, 0xFD46_9501)
        f(&a, b, c, d, x(8), 7, 0x6980_98D8)
        f(&d, a, b, c, x(9), 12, 0x8B44_F7AF)
        f(&c, d, a, b, x(10), 17, 0xFFFF_5BB1)
        f(&b, c, d, a, x(11), 22, 0x895C_D7BE)
        f(&a, b, c, d, x(12), 7, 0x6B90_1122)
        f(&d, a, b, c, x(13), 12, 0xFD98_7193)
        f(&c, d, a, b, x(14), 17, 0xA679_438E)
        f(&b, c, d, a, x(15), 22, 0x49B4_0821)
        g(&a, b, c, d, x(1), 5, 0xF61E_2562)
        g(&d, a, b, c, x(6), 9, 0xC040_B340)
        g(&c, d, a, b, x(11), 14, 0x265E_5A51)
        g(&b, c, d, a, x(0), 20, 0xE9B6_C7AA)
        g(&a, b, c, d, x(5), 5, 0xD62F_105D)
        g(&d, a, b, c, x(10), 9, 0x0244_1453)
        g(&c, d, a, b, x(15), 14, 0xD8A1_E681)
        g(&b, c, d, a, x(4), 20, 0xE7D3_FBC8)
        g(&a, b, c, d, x(9), 5, 0x21E1_CDE6)
        g(&d, a, b, c, x(14), 9, 0xC337_07D6)
        g(&c, d, a, b, x(3), 14, 0xF4D5_0D87)
        g(&b, c, d, a, x(8), 20, 0x455A_14ED)
        g(&a, b, c, d, x(13), 5, 0xA9E3_E905)
        g(&d, a, b, c, x(2), 9, 0xFCEF_A3F8)
        g(&c, d, a, b, x(7), 14, 0x676F_02D9)
        g(&b, c, d, a, x(12), 20, 0x8D2A_4C8A)
        h(&a, b, c, d, x(5), 4, 0xFFFA_3942)
        h(&d, a, b, c, x(8), 11, 0x8771_F681)
        h(&c, d, a, b, x(11), 16, 0x6D9D_6122)
        h(&b, c, d, a, x(14), 23, 0xFDE5_380C)
        h(&a, b, c, d, x(1), 4, 0xA4BE_EA44)
        h(&d, a, b, c, x(4), 11, 0x4BDE_CFA9)
        h(&c, d, a, b, x(7), 16, 0xF6BB_4B60)
        h(&b, c, d, a, x(10), 23, 0xBEBF_BC70)
        h(&a, b, c, d, x(13), 4, 0x289B_7EC6)
        h(&d, a, b, c, x(0), 11, 0xEAA1_27FA)
        h(&c, d, a, b, x(3), 16, 0xD4EF_3085)
        h(&b, c, d, a, x(6), 23, 0x0488_1D05)
        h(&a, b, c, d, x(9), 4, 0xD9D4_D039)
        h(&d, a, b, c, x(12), 11, 0xE6DB_99E5)
        h(&c, d, a, b, x(15), 16, 0x1FA2_7CF8)
        h(&b, c, d, a, x(2), 23, 0xC4AC_5665)
        i(&a, b, c, d, x(0), 6, 0xF429_2244)
        i(&d, a, b, c, x(7), 10, 0x432A_FF97)
        i(&c, d, a, b, x(14), 15, 0xAB94_23A7)
        i(&b, c, d, a, x(5), 21, 0xFC93_A039)
        i(&a, b, c, d, x(12), 6, 0x655B_59C3)
        i(&d, a, b, c, x(3), 10, 0x8F0C_CC92)
        i(&c, d, a, b, x(10), 15, 0xFFEF_F47D)
        i(&b, c, d, a, x(1), 21, 0x8584_5DD1)
        i(&a, b, c, d, x(8), 6, 0x6FA8_7E4F)
        i(&d, a, b, c, x(15), 10, 0xFE2C_E6E0)
        i(&c, d, a, b, x(6), 15, 0xA301_4314)
        i(&b, c, d, a, x(13), 21, 0x4E08_11A1)
        i(&a, b, c, d, x(4), 6, 0xF753_7E82)
        i(&d, a, b, c, x(11), 10, 0xBD3A_F235)
        i(&c, d, a, b, x(2), 15, 0x2AD7_D2BB)
        i(&b, c, d, a, x(9), 21, 0xEB86_D391)
        state.a &+= a
        state.b &+= b
        state.c &+= c
        state.d &+= d
    }
}
