import NIOCore

/// FastCGI 1.0 records (the FastCGI specification, §3): an 8-byte header (version 1, type, request id,
/// content length, padding length, reserved), the content, then padding.
enum FastCGIRecord {
    static let version: UInt8 = 1
    static let headerSize = 8
    /// The most content one record carries (its length field is 16 bits).
    static let maxContent = 65535
    /// Sluice sends one request at a time per connection, always with this id (0 is for management records).
    static let requestID: UInt16 = 1

    enum RecordType: UInt8 {
        case beginRequest = 1
        case abortRequest = 2
        case endRequest = 3
        case params = 4
        case stdin = 5
        case stdout = 6
        case stderr = 7
        case data = 8
        case getValues = 9
        case getValuesResult = 10
        case unknownType = 11
    }

    /// `FCGI_RESPONDER`, the role of an app that answers requests.
    static let responderRole: UInt16 = 1
    /// `FCGI_KEEP_CONN`: the app keeps the connection open after the request, so it can be pooled.
    static let keepConnection: UInt8 = 1

    /// `protocolStatus` of `FCGI_END_REQUEST`.
    enum ProtocolStatus: UInt8, CustomStringConvertible {
        case requestComplete = 0
        case cantMultiplexConnection = 1
        case overloaded = 2
        case unknownRole = 3

        var description: String {
            switch self {
            case .requestComplete: "request complete"
            case .cantMultiplexConnection: "cannot multiplex the connection"
            case .overloaded: "overloaded"
            case .unknownRole: "unknown role"
            }
        }
    }

    /// Appends one record's header; the content (and `padding` zero bytes) must follow.
    static func writeHeader(_ type: RecordType, contentLength: Int, padding: Int = 0, to buffer: inout ByteBuffer) {
        // The eight bytes as one big-endian integer: one write instead of six.
        let header =
            UInt64(version) << 56 | UInt64(type.rawValue) << 48 | UInt64(requestID) << 32
            | UInt64(UInt16(contentLength)) << 16 | UInt64(UInt8(padding)) << 8
        buffer.writeInteger(header)
    }

    /// `FCGI_BEGIN_REQUEST` for the responder role, asking the app to keep the connection.
    static func writeBeginRequest(to buffer: inout ByteBuffer) {
        writeHeader(.beginRequest, contentLength: 8, to: &buffer)
        // role (2 bytes), flags, 5 reserved.
        buffer.writeInteger(UInt64(responderRole) << 48 | UInt64(keepConnection) << 40)
    }

    /// The variables as a callback takes them: `write` calls its argument once per variable.
    typealias VariableSource = ((UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) -> Void

    /// The request's head: `FCGI_BEGIN_REQUEST`, then the variables as `FCGI_PARAMS` records (name-value pairs,
    /// §3.4) and the empty `FCGI_PARAMS` that ends them. The pairs are written straight after the header they
    /// belong to, whose length is filled in afterwards; only a head over 64 KB is copied into several records.
    static func encodeHead(allocator: ByteBufferAllocator, variables: VariableSource) -> ByteBuffer {
        var out = allocator.buffer(capacity: 1024)
        writeBeginRequest(to: &out)
        let header = out.writerIndex
        writeHeader(.params, contentLength: 0, to: &out)
        let start = out.writerIndex
        variables { name, value in
            // One reserved write per pair (lengths, name, value): ByteBuffer's per-integer writes cost more than
            // the copying here.
            let size = lengthSize(name.count) + lengthSize(value.count) + name.count + value.count
            out.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
                var offset = storeLength(name.count, into: raw, at: 0)
                offset = storeLength(value.count, into: raw, at: offset)
                if let base = name.baseAddress { (raw.baseAddress! + offset).copyMemory(from: base, byteCount: name.count) }
                offset += name.count
                if let base = value.baseAddress { (raw.baseAddress! + offset).copyMemory(from: base, byteCount: value.count) }
                return size
            }
        }
        let length = out.writerIndex - start
        if length <= maxContent {
            out.setInteger(UInt16(length), at: header + 4)
            let padding = (8 - length % 8) % 8
            out.setInteger(UInt8(padding), at: header + 6)
            out.writeRepeatingByte(0, count: padding)
        } else {
            let pairs = out.getSlice(at: start, length: length)!
            out.moveWriterIndex(to: header)
            writeStream(.params, pairs, to: &out)
        }
        writeHeader(.params, contentLength: 0, to: &out)
        return out
    }

    /// Bytes of a stream (`FCGI_PARAMS`, `FCGI_STDIN`) as records of at most `maxContent` bytes, padded to 8.
    static func writeStream(_ type: RecordType, _ bytes: ByteBuffer, to out: inout ByteBuffer) {
        var rest = bytes
        while rest.readableBytes > 0 {
            let count = min(rest.readableBytes, maxContent)
            let padding = (8 - count % 8) % 8
            writeHeader(type, contentLength: count, padding: padding, to: &out)
            var piece = rest.readSlice(length: count)!
            out.writeBuffer(&piece)
            out.writeRepeatingByte(0, count: padding)
        }
    }

    /// A name-value pair length (§3.4): one byte below 128, else four with the high bit set.
    private static func lengthSize(_ length: Int) -> Int { length < 128 ? 1 : 4 }

    /// Stores a pair length at `offset`; returns the offset after it.
    private static func storeLength(_ length: Int, into raw: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        guard length >= 128 else {
            raw[offset] = UInt8(length)
            return offset + 1
        }
        let value = UInt32(length) | 0x8000_0000
        raw[offset] = UInt8(truncatingIfNeeded: value >> 24)
        raw[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        raw[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        raw[offset + 3] = UInt8(truncatingIfNeeded: value)
        return offset + 4
    }
}
