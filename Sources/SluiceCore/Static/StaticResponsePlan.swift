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
        var validators: [(name: String, value: String)] = [("Last-Modified", HTTPDate.string(lastModified))]
        if let etag { validators.append(("ETag", etag.headerValue)) }
        let acceptRanges: [(name: String, value: String)] = settings.rangeRequests ? [("Accept-Ranges", "bytes")] : []

        switch ConditionalRequest.evaluate(
            request, isGetOrHead: method != .other, etag: etag, lastModified: lastModified, now: now)
        {
        case .notModified:
            self.init(status: 304, headers: validators, body: .none)
            return
        case .preconditionFailed:
            self.init(status: 412, headers: [], body: .none)
            return
        case .proceed:
            break
        }

        if method == .get, settings.rangeRequests, let rangeField = request.range,
            let rangeRequest = ByteRangeRequest.parse(rangeField.utf8, limits: limits),
            ConditionalRequest.ifRangeAllowsRange(request.ifRange, etag: etag, lastModified: lastModified, now: now)
        {
            switch rangeRequest.resolve(size: size, limits: limits) {
            case .whole:
                break
            case .unsatisfiable:
                self.init(status: 416, headers: [("Content-Range", "bytes */\(size)")], body: .none)
                return
            case .single(let range):
                let headers: [(name: String, value: String)] = [
                    ("Content-Type", contentType), ("Content-Length", String(range.count)),
                    ("Content-Range", "bytes \(range)/\(size)"),
                ]
                self.init(status: 206, headers: headers + acceptRanges + validators, body: .range(range))
                return
            case .multiple(let ranges):
                let multipart = MultipartByteRanges(
                    ranges: ranges, size: size, contentType: contentType, boundary: makeBoundary())
                let headers: [(name: String, value: String)] = [
                    ("Content-Type", multipart.contentType), ("Content-Length", String(multipart.contentLength)),
                ]
                self.init(status: 206, headers: headers + acceptRanges + validators, body: .multipart(multipart))
                return
            }
        }
        let headers: [(name: String, value: String)] = [("Content-Type", contentType), ("Content-Length", String(size))]
        self.init(status: 200, headers: headers + acceptRanges + validators, body: .whole(length: size))
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
