/// Every bound the HTTP/1.1 request parser enforces, named and documented in one place (like NIO's
/// `NIOHTTPDecoderLimitConfiguration`), so no handler carries a magic number.
///
/// The two configurable ones come from lighttpd's keys: `server.max-request-field-size` (bytes of
/// request line plus header lines) and `server.max-request-size` (KiB of body, 0 = unlimited). The
/// rest protect the parser itself and have no lighttpd key.
public struct HTTP1RequestLimits: Sendable, Hashable {
    /// `server.max-request-field-size`: the most bytes of a request head: request line, header lines
    /// and their line ends, without the final empty line. Default 8192, lighttpd's 8 KiB.
    ///
    /// A request line that alone is longer than this is answered 414 (URI Too Long); a head that
    /// grows past it in its header lines is answered 431 (Request Header Fields Too Large), as
    /// lighttpd does. The same bound applies to the trailer section of a chunked body.
    public var maxRequestFieldSize: Int

    /// `server.max-request-size` in bytes (the config value is KiB): the most bytes of a request
    /// body; nil means no limit, lighttpd's default (0). A larger `Content-Length` is refused with
    /// 413 before the head is passed on; a chunked body is cut off with 413 as soon as it grows past.
    public var maxRequestBodySize: Int?

    /// The most header fields (or trailer fields) in one request. Default 100, beyond which the
    /// answer is 431: a cheap guard against a head of thousands of one-byte fields, which would
    /// otherwise fit in `maxRequestFieldSize`.
    public var maxHeaderCount: Int

    /// The most bytes of one chunk-size line of a chunked body, extensions included (they are
    /// ignored, RFC 9112 §7.1.1). Default 1024; longer is 400.
    public var maxChunkLineLength: Int

    /// The most empty lines skipped before a request line (RFC 9112 §2.2 asks servers to ignore at
    /// least one, left over from a previous body's CRLF). Default 4; more is 400.
    public var maxLeadingEmptyLines: Int

    /// The defaults documented on each property.
    public init(
        maxRequestFieldSize: Int = 8192,
        maxRequestBodySize: Int? = nil,
        maxHeaderCount: Int = 100,
        maxChunkLineLength: Int = 1024,
        maxLeadingEmptyLines: Int = 4
    ) {
        self.maxRequestFieldSize = maxRequestFieldSize
        self.maxRequestBodySize = maxRequestBodySize
        self.maxHeaderCount = maxHeaderCount
        self.maxChunkLineLength = maxChunkLineLength
        self.maxLeadingEmptyLines = maxLeadingEmptyLines
    }

    /// The limits a config asks for: `server.max-request-field-size` as is, and
    /// `server.max-request-size` converted from KiB (0 or less means no limit, as in lighttpd).
    ///
    /// `server.max-request-size` may be set per condition block in lighttpd; the parser has to
    /// decide before any condition is evaluated, so Sluice accepts it only outside conditions.
    public init(maxRequestFieldSize: Int, maxRequestSizeKiB: Int) {
        self.init(maxRequestFieldSize: maxRequestFieldSize)
        if maxRequestSizeKiB > 0 {
            let (bytes, overflow) = maxRequestSizeKiB.multipliedReportingOverflow(by: 1024)
            self.maxRequestBodySize = overflow ? nil : bytes
        }
    }
}
