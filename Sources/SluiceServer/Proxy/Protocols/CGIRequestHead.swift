import LighttpdConfig
import NIOCore
import SluiceCore

/// A request's head for a FastCGI or SCGI backend: its CGI variables (`CGIEnvironment`) in the protocol's form.
enum CGIRequestHead {
    /// `endingInput`: the request has no body and nothing follows (a health check): FastCGI's empty `STDIN`
    /// record is added; a proxied request's body and end are written as they come.
    static func encode(
        _ environment: CGIEnvironment, protocol backendProtocol: BackendProtocol, endingInput: Bool = false,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        if backendProtocol == .scgi {
            return SCGIRequestHead.encode(allocator: allocator) { environment.write(alwaysContentLength: true, $0) }
        }
        var head = FastCGIRecord.encodeHead(allocator: allocator) { environment.write(alwaysContentLength: false, $0) }
        if endingInput { FastCGIRecord.writeHeader(.stdin, contentLength: 0, to: &head) }
        return head
    }

    /// A list of variables as the encoders take them (tests).
    static func source(_ variables: [(name: String, value: [UInt8])]) -> FastCGIRecord.VariableSource {
        { body in
            for (name, value) in variables {
                var name = name
                name.withUTF8 { name in value.withUnsafeBytes { body(UnsafeRawBufferPointer(name), $0) } }
            }
        }
    }
}
