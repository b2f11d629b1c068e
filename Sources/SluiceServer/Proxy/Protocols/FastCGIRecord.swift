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
        buffer.writeInteger(version)
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(requestID)
        buffer.writeInteger(UInt16(contentLength))
        buffer.writeInteger(UInt8(padding))
        buffer.writeInteger(UInt8(0))
    }

    /// `FCGI_BEGIN_REQUEST` for the responder role, asking the app to keep the connection.
    static func writeBeginRequest(to buffer: inout ByteBuffer) {
        writeHeader(.beginRequest, contentLength: 8, to: &buffer)
        buffer.writeInteger(responderRole)
        buffer.writeInteger(keepConnection)
        buffer.writeRepeatingByte(0, count: 5)
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
            writeLength(name.count, to: &out)
            writeLength(value.count, to: &out)
            out.writeBytes(name)
            out.writeBytes(value)
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

    static func encodeHead(variables: [(name: String, value: [UInt8])], allocator: ByteBufferAllocator) -> ByteBuffer {
        encodeHead(allocator: allocator) { body in
            for (name, value) in variables {
                var name = name
                name.withUTF8 { name in value.withUnsafeBytes { body(UnsafeRawBufferPointer(name), $0) } }
            }
        }
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
    private static func writeLength(_ length: Int, to buffer: inout ByteBuffer) {
        if length < 128 {
            buffer.writeInteger(UInt8(length))
        } else {
            buffer.writeInteger(UInt32(length) | 0x8000_0000)
        }
    }
}
