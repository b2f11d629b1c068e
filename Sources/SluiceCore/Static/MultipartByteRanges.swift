/// The exact bytes of a `multipart/byteranges` body (RFC 9110 §14.6, RFC 2046 §5.1) around the file
/// regions, so the server can write a part header, send the region zero-copy, and so on.
///
/// Layout, for parts 0..<n:
/// ```
/// parts[0].header   "--B\r\nContent-Type: T\r\nContent-Range: bytes a-b/N\r\n\r\n"
/// file bytes a...b
/// parts[1].header   "\r\n--B\r\nContent-Type: T\r\nContent-Range: bytes c-d/N\r\n\r\n"
/// file bytes c...d
/// trailer           "\r\n--B--\r\n"
/// ```
/// The CRLF before each later delimiter belongs to the delimiter (RFC 2046), so it sits at the start of
/// the next header. `contentLength` is the sum of all of it.
public struct MultipartByteRanges: Sendable, Hashable {
    public struct Part: Sendable, Hashable {
        /// The bytes to write before the region.
        public let header: [UInt8]
        /// The file region to send after `header`.
        public let range: ByteRange
    }

    public let boundary: String
    public let parts: [Part]
    /// The closing delimiter, written after the last region.
    public let trailer: [UInt8]
    /// The exact `Content-Length` of the body.
    public let contentLength: Int64

    /// The response's `Content-Type`.
    public var contentType: String { "multipart/byteranges; boundary=" + boundary }

    /// `contentType` is the representation's type, repeated in each part; `boundary` must not occur in
    /// the file (use `makeBoundary`).
    public init(ranges: [ByteRange], size: Int64, contentType: String, boundary: String) {
        self.boundary = boundary
        var parts = [Part]()
        parts.reserveCapacity(ranges.count)
        var length: Int64 = 0
        for (index, range) in ranges.enumerated() {
            var header = [UInt8]()
            header.reserveCapacity(80 + boundary.utf8.count + contentType.utf8.count)
            if index > 0 { header.append(contentsOf: [0x0D, 0x0A]) }
            header.append(contentsOf: "--".utf8)
            header.append(contentsOf: boundary.utf8)
            header.append(contentsOf: "\r\nContent-Type: ".utf8)
            header.append(contentsOf: contentType.utf8)
            header.append(contentsOf: "\r\nContent-Range: bytes ".utf8)
            header.appendDecimal(range.first)
            header.append(UInt8(ascii: "-"))
            header.appendDecimal(range.last)
            header.append(UInt8(ascii: "/"))
            header.appendDecimal(size)
            header.append(contentsOf: "\r\n\r\n".utf8)
            length += Int64(header.count) + range.count
            parts.append(Part(header: header, range: range))
        }
        self.parts = parts
        self.trailer = Array("\r\n--\(boundary)--\r\n".utf8)
        self.contentLength = length + Int64(trailer.count)
    }

    /// A boundary of 32 hex digits from `generator`: 128 random bits, so it is vanishingly unlikely to
    /// occur in a file (RFC 2046 asks for a boundary that does not). Inject the generator: a seeded one
    /// in tests, `SystemRandomNumberGenerator` in the server.
    public static func makeBoundary(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for _ in 0..<2 {
            let word = generator.next()
            for shift in stride(from: 60, through: 0, by: -4) {
                bytes.append(PercentEncoding.upperHexDigits[Int((word >> UInt64(shift)) & 0xF)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
