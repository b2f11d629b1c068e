/// 64-bit FNV-1a over a byte stream, updated chunk by chunk.
///
/// `/echo` reports it so proxy tests can check a streamed body arrived intact without the worker keeping it
/// (SHA-256 would need a dependency). Parameters from the FNV reference (Fowler, Noll, Vo;
/// draft-eastlake-fnv): offset basis 0xcbf29ce484222325, prime 0x100000001b3.
struct FNV1a64: Sendable, Equatable {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var hash = self.value
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        self.value = hash
    }

    /// Sixteen lower-case hex digits.
    var hexDigits: String {
        let digits = String(self.value, radix: 16)
        return String(repeating: "0", count: 16 - digits.utf8.count) + digits
    }
}
