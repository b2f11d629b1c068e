/// SHA-1 (FIPS 180-4 §6.1), for htpasswd `{SHA}` entries: Apache's `htpasswd -s` stores
/// `{SHA}` + base64(SHA-1(password)), unsalted.
///
/// SHA-1 is broken for collisions and unsalted hashes fall to tables; it is here only so existing
/// files keep working. Suggest bcrypt (`htpasswd -B`) to users.
public struct SHA1: Sendable {
    public static let digestByteCount = 20

    private struct State: Sendable {
        var h0: UInt32 = 0x6745_2301
        var h1: UInt32 = 0xEFCD_AB89
        var h2: UInt32 = 0x98BA_DCFE
        var h3: UInt32 = 0x1032_5476
        var h4: UInt32 = 0xC3D2_E1F0
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

    /// The 20-byte digest. The hasher starts over afterwards.
    public mutating func finalize() -> [UInt8] {
        var current = state
        blocks.finish(lengthBigEndian: true) { Self.compress(&current, block: $0) }
        state = State()
        var digest: [UInt8] = []
        digest.reserveCapacity(Self.digestByteCount)
        func appendBigEndian(_ word: UInt32) {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        appendBigEndian(current.h0)
        appendBigEndian(current.h1)
        appendBigEndian(current.h2)
        appendBigEndian(current.h3)
        appendBigEndian(current.h4)
        return digest
    }

    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA1()
        hasher.update(bytes)
        return hasher.finalize()
    }

    private static func compress(_ state: inout State, block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for t in 0..<16 {
                w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self))
            }
            for t in 16..<80 {
                w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotatedLeft(by: 1)
            }
            var a = state.h0
            var b = state.h1
            var c = state.h2
            var d = state.h3
            var e = state.h4
            for t in 0..<80 {
                let f: UInt32
                let k: UInt32
                switch t {
                case 0..<20:
                    f = (b & c) | (~b & d)
                    k = 0x5A82_7999
                case 20..<40:
                    f = b ^ c ^ d
                    k = 0x6ED9_EBA1
                case 40..<60:
                    f = (b & c) | (b & d) | (c & d)
                    k = 0x8F1B_BCDC
                default:
                    f = b ^ c ^ d
                    k = 0xCA62_C1D6
                }
                let temp = a.rotatedLeft(by: 5) &+ f &+ e &+ k &+ w[t]
                e = d
                d = c
                c = b.rotatedLeft(by: 30)
                b = a
                a = temp
            }
            state.h0 &+= a
            state.h1 &+= b
            state.h2 &+= c
            state.h3 &+= d
            state.h4 &+= e
        }
    }
}
