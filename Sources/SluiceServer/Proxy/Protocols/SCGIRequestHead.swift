import NIOCore

/// The head of an SCGI request (the SCGI protocol specification, 2006): the CGI variables as one netstring,
/// `<length>:NAME\0value\0...,`, with `CONTENT_LENGTH` first and `SCGI` = `1`. The body follows as it is.
enum SCGIRequestHead {
    static func encode(variables: [(name: String, value: [UInt8])], allocator: ByteBufferAllocator) -> ByteBuffer {
        var length = 7  // "SCGI\01\0"
        for (name, value) in variables { length += name.utf8.count + 1 + value.count + 1 }
        var out = allocator.buffer(capacity: length + 12)
        out.writeString(String(length))
        out.writeStaticString(":")
        // `CGIEnvironment.variables(alwaysContentLength: true)` puts CONTENT_LENGTH first, as SCGI requires.
        var wroteMarker = false
        for (name, value) in variables {
            out.writeString(name)
            out.writeInteger(UInt8(0))
            out.writeBytes(value)
            out.writeInteger(UInt8(0))
            if !wroteMarker {
                out.writeStaticString("SCGI\u{0}1\u{0}")
                wroteMarker = true
            }
        }
        if !wroteMarker { out.writeStaticString("SCGI\u{0}1\u{0}") }
        out.writeStaticString(",")
        return out
    }
}
