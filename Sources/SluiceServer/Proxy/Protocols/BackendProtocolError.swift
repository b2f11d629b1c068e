/// A FastCGI or SCGI backend broke its protocol (a record or a CGI head Sluice cannot read, a request the app
/// refused): the response is malformed, 502 before its head, a closed client connection after.
struct BackendProtocolError: Error, CustomStringConvertible, Equatable {
    let description: String

    static func badRecordVersion(_ version: UInt8) -> Self {
        Self(description: "FastCGI record of version \(version), not 1")
    }
    static func refused(_ status: String) -> Self { Self(description: "the FastCGI app refused the request: \(status)") }
    static let noOutput = Self(description: "the FastCGI app ended the request without output")
    static let headTooLarge = Self(
        description: "CGI response head longer than \(CGIResponseHead.maximumSize) bytes")
    static let headIncomplete = Self(description: "the response ended inside its CGI head")
    static let bodyIncomplete = Self(description: "the response ended before its Content-Length")
    static let surplus = Self(description: "the app wrote more than its Content-Length")
    static func badHeaderLine(_ line: String) -> Self { Self(description: "malformed CGI header line \"\(line)\"") }
    static func badStatus(_ value: String) -> Self { Self(description: "malformed CGI Status \"\(value)\"") }
    static func badContentLength(_ value: String) -> Self {
        Self(description: "malformed CGI Content-Length \"\(value)\"")
    }
}
