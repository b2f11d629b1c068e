import NIOCore

/// The head of an SCGI request (the SCGI protocol specification, 2006): the CGI variables as one netstring,
/// `<length>:NAME\0value\0...,`, with `CONTENT_LENGTH` first and `SCGI` = `1`. The body follows as it is.
enum SCGIRequestHead {
    /// `variables` must give `CONTENT_LENGTH` first (`CGIEnvironment.write(alwaysContentLength: true)` does).
    static func encode(allocator: ByteBufferAllocator, variables: FastCGIRecord.VariableSource) -> ByteBuffer {
        var pairs = allocator.buffer(capacity: 1024)
        var wroteMarker = false
        variables { name, value in
            pairs.writeBytes(name)
            pairs.writeInteger(UInt8(0))
            pairs.writeBytes(value)
            pairs.writeInteger(UInt8(0))
            if !wroteMarker {
                pairs.writeStaticString("SCGI\u{0}1\u{0}")
                wroteMarker = true
            }
        }
        if !wroteMarker { pairs.writeStaticString("SCGI\u{0}1\u{0}") }
        var out = allocator.buffer(capacity: pairs.readableBytes + 12)
        out.writeString(String(pairs.readableBytes))
        out.writeStaticString(":")
        out.writeBuffer(&pairs)
        out.writeStaticString(",")
        return out
    }
}
