/// The status, header fields and body layout for sending one regular file, from its `stat`, the request's
/// method and conditional / Range headers. The server adds `Date`, `Server`, connection headers and, for
/// 412 and 416, an error body; it sends `body` with `sendfile` or mapped regions.
///
/// Steps (RFC 9110 §13.2.2, then §14.2):
/// 1. validators: `Last-Modified` always; `ETag` when `static-file.etags` is on (`EntityTag.forFile`);
/// 2. preconditions (`ConditionalRequest.evaluate`) → 304 with the validators, or 412;
/// 3. Range, only for GET, only when `server.range-requests` is on and `If-Range` allows it → 206 single,
///    206 multipart, 416, or an ignored header;
/// 4. otherwise 200 with the whole file. `Accept-Ranges: bytes` is sent on 200 and 206 when ranges are on.
public struct StaticResponsePlan: Sendable {
    public enum Method: Sendable, Hashable {
        case get, head
        /// POST and anything else a static file is sent for (lighttpd sends files for POST too);
        /// preconditions that match give 412 instead of 304 and Range is ignored.
        case other
    }

    public enum Body: Sendable, Hashable {
        /// No file bytes (304, 412, 416).
        case none
        /// The whole file, `length` bytes from offset 0.
        case whole(length: Int64)
        /// One region (206).
        case range(ByteRange)
        /// Part headers, regions and trailer (206 `multipart/byteranges`).
        case multipart(MultipartByteRanges)
    }

    public let status: Int
    /// In a stable order: `Content-Type`, `Content-Length`, `Content-Range`, `Accept-Ranges`,
    /// `Last-Modified`, `ETag` (each when present).
    public let headers: [(name: String, value: String)]
    public let body: Body

    /// The plan for `file` (its `stat` now and its `Content-Type`). `now` is Unix seconds (the cached
    /// `Date` second will do); `makeBoundary` is called only for a multipart answer.
    public init(
        file: FileStatus, contentType: String, method: Method, headers request: ConditionalHeaders,
        settings: StaticFileSettings, now: Int64, limits: ByteRangeLimits = .init(),
        makeBoundary: () -> String
    ) {
        let size = file.size
        let lastModified = file.modificationSeconds
        let etag = settings.etags ? EntityTag.forFile(file.stamp, now: now) : nil

        switch ConditionalRequest.evaluate(
            request, isGetOrHead: method != .other, etag: etag, lastModified: lastModified, now: now)
        {
        case .notModified:
            var headers = [(name: String, value: String)]()
            headers.reserveCapacity(2)
            Self.appendValidators(lastModified, etag, to: &headers)
            self.init(status: 304, headers: headers, body: .none)
            return
        case .preconditionFailed:
            self.init(status: 412, headers: [], body: .none)
            return
        case .proceed:
            break
        }

        var status = 200
        var body = Body.whole(length: size)
        var headers = [(name: String, value: String)]()
        headers.reserveCapacity(6)
        if method == .get, settings.rangeRequests, let rangeField = request.range,
            let rangeRequest = ByteRangeRequest.parse(rangeField.utf8, limits: limits),
            ConditionalRequest.ifRangeAllowsRange(request.ifRange, etag: etag, lastModified: lastModified, now: now)
        {
            switch rangeRequest.resolve(size: size, limits: limits) {
            case .whole:
                break
            case .unsatisfiable:
                self.init(status: 416, headers: [("Content-Range", Self.contentRange(nil, size))], body: .none)
                return
            case .single(let range):
                status = 206
                body = .range(range)
                headers.append(("Content-Type", contentType))
                headers.append(("Content-Length", String(range.count)))
                headers.append(("Content-Range", Self.contentRange(range, size)))
            case .multiple(let ranges):
                let multipart = MultipartByteRanges(
                    ranges: ranges, size: size, contentType: contentType, boundary: makeBoundary())
                status = 206
                body = .multipart(multipart)
                headers.append(("Content-Type", multipart.contentType))
                headers.append(("Content-Length", String(multipart.contentLength)))
            }
        }
        if status == 200 {
            headers.append(("Content-Type", contentType))
            headers.append(("Content-Length", String(size)))
        }
        if settings.rangeRequests { headers.append(("Accept-Ranges", "bytes")) }
        Self.appendValidators(lastModified, etag, to: &headers)
        self.init(status: status, headers: headers, body: body)
    }

    private static func appendValidators(
        _ lastModified: Int64, _ etag: EntityTag?, to headers: inout [(name: String, value: String)]
    ) {
        headers.append(("Last-Modified", HTTPDate.string(lastModified)))
        if let etag { headers.append(("ETag", etag.headerValue)) }
    }

    /// `bytes first-last/size`, or `bytes */size` without a range.
    private static func contentRange(_ range: ByteRange?, _ size: Int64) -> String {
        var bytes = Array("bytes ".utf8)
        bytes.reserveCapacity(48)
        if let range {
            bytes.appendDecimal(range.first)
            bytes.append(UInt8(ascii: "-"))
            bytes.appendDecimal(range.last)
        } else {
            bytes.append(UInt8(ascii: "*"))
        }
        bytes.append(UInt8(ascii: "/"))
        bytes.appendDecimal(size)
        return String(decoding: bytes, as: UTF8.self)
    }

    private init(status: Int, headers: [(name: String, value: String)], body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header field named `name` (ASCII case-insensitive), for tests and logs.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
