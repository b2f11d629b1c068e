import NIOCore
import NIOHTTP1

/// A FastCGI connection's records in, HTTP/1.1 response bytes out (for `HTTP1ResponseParser`): `STDOUT` content
/// through `CGIResponseStream`, `STDERR` content handed back for the error log, `END_REQUEST` ending the response.
/// Records arrive split across reads at any byte; content is passed on as it arrives, never held whole.
struct FastCGIResponseTranslator {
    private var stream = CGIResponseStream(closeDelimited: false)
    /// A record header split across reads.
    private var partialHeader = ByteBuffer()
    private var record: Record?
    /// The content of a small record being collected (`END_REQUEST`, `STDERR`).
    private var collected = ByteBuffer()

    private struct Record {
        var type: UInt8
        var ours: Bool
        var remaining: Int
        var padding: Int
    }

    /// What one read gave. The HTTP bytes made before an error are kept: they go on first, so a response cut
    /// short is seen as cut whether or not its start came in the same read.
    struct Translation {
        var http: ByteBuffer
        /// `STDERR` records' text.
        var standardError: [String] = []
        /// The app broke the protocol here; nothing after it is read.
        var error: BackendProtocolError?
    }

    mutating func expectResponse(to method: HTTPMethod) {
        stream.expectResponse(to: method)
    }

    mutating func translate(_ bytes: ByteBuffer, allocator: ByteBufferAllocator) -> Translation {
        var translation = Translation(http: allocator.buffer(capacity: bytes.readableBytes + 64))
        do {
            try translate(bytes, into: &translation)
        } catch {
            translation.error = error
        }
        return translation
    }

    private mutating func translate(_ bytes: ByteBuffer, into translation: inout Translation) throws(BackendProtocolError) {
        var input = bytes
        while input.readableBytes > 0 {
            guard var current = record else {
                try readHeader(&input)
                if let current = record, current.remaining == 0, current.padding == 0 {
                    record = nil
                    try finish(current, into: &translation)
                }
                continue
            }
            if current.remaining > 0 {
                let count = min(current.remaining, input.readableBytes)
                let content = input.readSlice(length: count)!
                current.remaining -= count
                if current.ours { try take(content, of: current.type, into: &translation) }
            }
            if current.remaining == 0, current.padding > 0 {
                let count = min(current.padding, input.readableBytes)
                input.moveReaderIndex(forwardBy: count)
                current.padding -= count
            }
            if current.remaining == 0, current.padding == 0 {
                record = nil
                try finish(current, into: &translation)
            } else {
                record = current
            }
        }
    }

    private mutating func readHeader(_ input: inout ByteBuffer) throws(BackendProtocolError) {
        let needed = FastCGIRecord.headerSize - partialHeader.readableBytes
        var piece = input.readSlice(length: min(needed, input.readableBytes))!
        partialHeader.writeBuffer(&piece)
        guard partialHeader.readableBytes == FastCGIRecord.headerSize else { return }
        defer { partialHeader.clear() }
        let version = partialHeader.readInteger(as: UInt8.self)!
        guard version == FastCGIRecord.version else { throw .badRecordVersion(version) }
        let type = partialHeader.readInteger(as: UInt8.self)!
        let id = partialHeader.readInteger(as: UInt16.self)!
        let length = Int(partialHeader.readInteger(as: UInt16.self)!)
        let padding = Int(partialHeader.readInteger(as: UInt8.self)!)
        record = Record(type: type, ours: id == FastCGIRecord.requestID, remaining: length, padding: padding)
    }

    private mutating func take(_ content: ByteBuffer, of type: UInt8, into translation: inout Translation)
        throws(BackendProtocolError)
    {
        switch FastCGIRecord.RecordType(rawValue: type) {
        case .stdout:
            try stream.output(content, into: &translation.http)
        case .stderr, .endRequest:
            var content = content
            collected.writeBuffer(&content)
        default:
            break  // management and unknown records: nothing a responder's client needs
        }
    }

    private mutating func finish(_ record: Record, into translation: inout Translation) throws(BackendProtocolError) {
        guard record.ours else { return }
        switch FastCGIRecord.RecordType(rawValue: record.type) {
        case .stderr:
            let text = String(decoding: collected.readableBytesView, as: UTF8.self)
            collected.clear()
            if !text.isEmpty { translation.standardError.append(text) }
        case .endRequest:
            // appStatus (4 bytes), protocolStatus, 3 reserved.
            let protocolStatus = collected.getInteger(at: collected.readerIndex + 4, as: UInt8.self) ?? 0
            collected.clear()
            if protocolStatus != FastCGIRecord.ProtocolStatus.requestComplete.rawValue {
                let status = FastCGIRecord.ProtocolStatus(rawValue: protocolStatus)?.description ?? "status \(protocolStatus)"
                throw .refused(status)
            }
            try stream.end(into: &translation.http)
        default:
            break
        }
    }
}

/// An SCGI connection's bytes in, HTTP/1.1 out: the CGI head translated, the body passed on to the close.
struct SCGIResponseTranslator {
    private var stream = CGIResponseStream(closeDelimited: true)

    mutating func expectResponse(to method: HTTPMethod) {
        stream.expectResponse(to: method)
    }

    mutating func translate(_ bytes: ByteBuffer, allocator: ByteBufferAllocator) -> FastCGIResponseTranslator.Translation {
        var translation = FastCGIResponseTranslator.Translation(http: allocator.buffer(capacity: bytes.readableBytes + 64))
        do {
            try stream.output(bytes, into: &translation.http)
        } catch {
            translation.error = error
        }
        return translation
    }
}
