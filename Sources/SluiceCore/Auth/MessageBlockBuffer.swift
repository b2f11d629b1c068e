/// The 64-byte block framing shared by MD5 (RFC 1321) and SHA-1 (FIPS 180-4): input is cut into
/// 64-byte blocks, and the last one is padded with `0x80`, zeros and the message length in bits.
///
/// The hash state stays with the caller; each full block is handed to `compress`.
struct MessageBlockBuffer: Sendable {
    static let blockByteCount = 64

    private var pending: [UInt8] = []
    private var byteCount: UInt64 = 0

    init() {
        pending.reserveCapacity(Self.blockByteCount)
    }

    /// Feeds `input`, calling `compress` once per completed block.
    mutating func append(_ input: UnsafeRawBufferPointer, compress: (UnsafeRawBufferPointer) -> Void) {
        byteCount &+= UInt64(input.count)
        var rest = input[...]
        if !pending.isEmpty {
            let taken = min(Self.blockByteCount - pending.count, rest.count)
            pending.append(contentsOf: rest.prefix(taken))
            rest = rest.dropFirst(taken)
            guard pending.count == Self.blockByteCount else { return }
            pending.withUnsafeBytes(compress)
            pending.removeAll(keepingCapacity: true)
        }
        while rest.count >= Self.blockByteCount {
            compress(UnsafeRawBufferPointer(rebasing: rest.prefix(Self.blockByteCount)))
            rest = rest.dropFirst(Self.blockByteCount)
        }
        pending.append(contentsOf: rest)
    }

    /// Pads the message (MD5 stores the bit length little-endian, SHA-1 big-endian), compresses the
    /// last block(s) and resets the buffer for the next message.
    mutating func finish(lengthBigEndian: Bool, compress: (UnsafeRawBufferPointer) -> Void) {
        let bitLength = byteCount &* 8
        let padding = (Self.blockByteCount &* 2 &- 8 &- 1 &- pending.count) % Self.blockByteCount
        var tail: [UInt8] = [0x80]
        tail.append(contentsOf: repeatElement(0, count: padding))
        for index in 0..<8 {
            let shift = lengthBigEndian ? UInt64(56 - 8 * index) : UInt64(8 * index)
            tail.append(UInt8(truncatingIfNeeded: bitLength >> shift))
        }
        tail.withUnsafeBytes { append($0, compress: compress) }
        pending.removeAll(keepingCapacity: true)
        byteCount = 0
    }
}

extension Collection<UInt8> {
    /// Runs `body` over the bytes without copying when they are contiguous (arrays, native strings' UTF-8).
    func withContiguousBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        if let result = try withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return try Array(self).withUnsafeBytes(body)
    }
}
