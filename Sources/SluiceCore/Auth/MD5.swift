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
        digest.reserveCapacity(Self.digestByteCount)
        finalize(into: &digest)
        return digest
    }

    /// Replaces `digest`'s contents with the digest, reusing its storage (APR1's 1000 rounds).
    mutating func finalize(into digest: inout [UInt8]) {
        var current = state
        blocks.finish(lengthBigEndian: false) { Self.compress(&current, block: $0) }
        state = State()
        digest.removeAll(keepingCapacity: true)
        for word in [current.a, current.b, current.c, current.d] {
            digest.append(UInt8(truncatingIfNeeded: word))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
        }
    }

    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = MD5()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// RFC 1321 §3.4: T[i] = floor(2^32 × |sin(i + 1)|).
    private static let sineTable: [UInt32] = [
        0xD76A_A478, 0xE8C7_B756, 0x2420_70DB, 0xC1BD_CEEE, 0xF57C_0FAF, 0x4787_C62A, 0xA830_4613, 0xFD46_9501,
        0x6980_98D8, 0x8B44_F7AF, 0xFFFF_5BB1, 0x895C_D7BE, 0x6B90_1122, 0xFD98_7193, 0xA679_438E, 0x49B4_0821,
        0xF61E_2562, 0xC040_B340, 0x265E_5A51, 0xE9B6_C7AA, 0xD62F_105D, 0x0244_1453, 0xD8A1_E681, 0xE7D3_FBC8,
        0x21E1_CDE6, 0xC337_07D6, 0xF4D5_0D87, 0x455A_14ED, 0xA9E3_E905, 0xFCEF_A3F8, 0x676F_02D9, 0x8D2A_4C8A,
        0xFFFA_3942, 0x8771_F681, 0x6D9D_6122, 0xFDE5_380C, 0xA4BE_EA44, 0x4BDE_CFA9, 0xF6BB_4B60, 0xBEBF_BC70,
        0x289B_7EC6, 0xEAA1_27FA, 0xD4EF_3085, 0x0488_1D05, 0xD9D4_D039, 0xE6DB_99E5, 0x1FA2_7CF8, 0xC4AC_5665,
        0xF429_2244, 0x432A_FF97, 0xAB94_23A7, 0xFC93_A039, 0x655B_59C3, 0x8F0C_CC92, 0xFFEF_F47D, 0x8584_5DD1,
        0x6FA8_7E4F, 0xFE2C_E6E0, 0xA301_4314, 0x4E08_11A1, 0xF753_7E82, 0xBD3A_F235, 0x2AD7_D2BB, 0xEB86_D391,
    ]

    /// Per-round left rotations, four per round (RFC 1321 §3.4).
    private static let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

    private static func compress(_ state: inout State, block: UnsafeRawBufferPointer) {
        var a = state.a
        var b = state.b
        var c = state.c
        var d = state.d
        for i in 0..<64 {
            var f: UInt32
            let g: Int
            switch i {
            case 0..<16:
                f = (b & c) | (~b & d)
                g = i
            case 16..<32:
                f = (d & b) | (~d & c)
                g = (5 &* i &+ 1) & 15
            case 32..<48:
                f = b ^ c ^ d
                g = (3 &* i &+ 5) & 15
            default:
                f = c ^ (b | ~d)
                g = (7 &* i) & 15
            }
            let word = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * g, as: UInt32.self))
            f = f &+ a &+ sineTable[i] &+ word
            a = d
            d = c
            c = b
            b = b &+ f.rotatedLeft(by: shifts[(i >> 4) << 2 | (i & 3)])
        }
        state.a &+= a
        state.b &+= b
        state.c &+= c
        state.d &+= d
    }
}
