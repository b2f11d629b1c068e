/// The 64-byte block framing shared by MD5 (RFC 1321) and SHA-1 (FIPS 180-4): input is cut into
/// 64-byte blocks, and the last one is padded with `0x80`, zeros and the message length in bits.
///
/// The partial block lives inline (no heap), because APR1 hashes 1000 short messages per check.
/// The hash state stays with the caller; each full block is handed to `compress`.
struct MessageBlockBuffer: Sendable {
    static let blockByteCount = 64

    private var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    private var byteCount: UInt64 = 0

    init() {}

    /// Feeds `input`, calling `compress` once per completed block.
    mutating func append(_ input: UnsafeRawBufferPointer, compress: (UnsafeRawBufferPointer) -> Void) {
        guard let source = input.baseAddress, input.count > 0 else { return }
        byteCount &+= UInt64(input.count)
        var offset = 0
        if pendingCount > 0 {
            let taken = min(Self.blockByteCount - pendingCount, input.count)
            copy(from: source, count: taken)
            offset = taken
            guard pendingCount == Self.blockByteCount else { return }
            withUnsafeBytes(of: &block) { compress($0) }
            pendingCount = 0
        }
        while input.count - offset >= Self.blockByteCount {
            compress(UnsafeRawBufferPointer(start: source + offset, count: Self.blockByteCount))
            offset += Self.blockByteCount
        }
        copy(from: source + offset, count: input.count - offset)
    }

    /// Pads the message (MD5 stores the bit length little-endian, SHA-1 big-endian), compresses the
    /// last block(s) and resets the buffer for the next message.
    mutating func finish(lengthBigEndian: Bool, compress: (UnsafeRawBufferPointer) -> Void) {
        let lengthOffset = Self.blockByteCount - 8
        let bitLength = byteCount &* 8
        withUnsafeMutableBytes(of: &block) { bytes in
            bytes[pendingCount] = 0x80
            if pendingCount + 1 > lengthOffset {
                for index in (pendingCount + 1)..<Self.blockByteCount { bytes[index] = 0 }
                compress(UnsafeRawBufferPointer(bytes))
                for index in 0..<lengthOffset { bytes[index] = 0 }
            } else {
                for index in (pendingCount + 1)..<lengthOffset { bytes[index] = 0 }
            }
            let length = lengthBigEndian ? bitLength.bigEndian : bitLength.littleEndian
            bytes.storeBytes(of: length, toByteOffset: lengthOffset, as: UInt64.self)
            compress(UnsafeRawBufferPointer(bytes))
        }
        pendingCount = 0
        byteCount = 0
    }

    private mutating func copy(from source: UnsafeRawPointer, count: Int) {
        guard count > 0 else { return }
        let start = pendingCount
        withUnsafeMutableBytes(of: &block) { bytes in
            (bytes.baseAddress! + start).copyMemory(from: source, byteCount: count)
        }
        pendingCount += count
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

extension UInt32 {
    @inline(__always)
    func rotatedLeft(by count: UInt32) -> UInt32 {
        // Masking shifts: the count is always 1...31, so skip the checks of the "smart" `<<`.
        (self &<< count) | (self &>> (32 &- count))
    }
}
