import SluiceCore
import Testing

@Suite("Static response plans")
struct StaticResponsePlanTests {
    static let now: Int64 = 1_763_683_200
    static let file = FileStatus(
        kind: .regular, size: 1000, inode: 77, modificationSeconds: 1_700_000_000, modificationNanoseconds: 0)
    static let etag = EntityTag.forFile(file.stamp, now: now).headerValue
    static let lastModified = "Tue, 14 Nov 2023 22:13:20 GMT"

    static func plan(
        _ headers: ConditionalHeaders = ConditionalHeaders(), method: StaticResponsePlan.Method = .get,
        etags: Bool = true, ranges: Bool = true
    ) -> StaticResponsePlan {
        var settings = StaticFileSettings()
        settings.etags = etags
        settings.rangeRequests = ranges
        return StaticResponsePlan(
            file: file, contentType: "text/plain", method: method, headers: headers, settings: settings, now: now,
            makeBoundary: { "BOUNDARY" })
    }

    @Test func wholeFile() {
        let plan = Self.plan()
        #expect(plan.status == 200)
        #expect(plan.body == .whole(length: 1000))
        #expect(
            plan.headers.map(\.name) == ["Content-Type", "Content-Length", "Accept-Ranges", "Last-Modified", "ETag"])
        #expect(plan.header("content-type") == "text/plain")
        #expect(plan.header("Content-Length") == "1000")
        #expect(plan.header("Last-Modified") == Self.lastModified)
        #expect(plan.header("ETag") == "\"4d-3e8-17979cfe362a0000\"")
        #expect(plan.header("Accept-Ranges") == "bytes")
        let head = Self.plan(method: .head)
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "1000")
    }

    @Test func switchesOff() {
        let plan = Self.plan(ConditionalHeaders(range: "bytes=0-0"), etags: false, ranges: false)
        #expect(plan.status == 200)
        #expect(plan.header("ETag") == nil)
        #expect(plan.header("Accept-Ranges") == nil)
        #expect(plan.header("Last-Modified") == Self.lastModified)
    }

    @Test func notModified() {
        for headers in [
            ConditionalHeaders(ifNoneMatch: Self.etag), ConditionalHeaders(ifModifiedSince: Self.lastModified),
            ConditionalHeaders(ifNoneMatch: "*", range: "bytes=0-0"),
        ] {
            let plan = Self.plan(headers)
            #expect(plan.status == 304)
            #expect(plan.body == .none)
            #expect(plan.headers.map(\.name) == ["Last-Modified", "ETag"])
            #expect(Self.plan(headers, method: .head).status == 304)
        }
        #expect(Self.plan(ConditionalHeaders(ifNoneMatch: Self.etag), method: .other).status == 412)
        #expect(Self.plan(ConditionalHeaders(ifMatch: "\"nope\"")).status == 412)
    }

    @Test func singleRange() {
        let plan = Self.plan(ConditionalHeaders(range: "bytes=-500"))
        #expect(plan.status == 206)
        #expect(plan.body == .range(ByteRange(first: 500, last: 999)))
        #expect(plan.header("Content-Range") == "bytes 500-999/1000")
        #expect(plan.header("Content-Length") == "500")
        #expect(plan.header("Content-Type") == "text/plain")
        #expect(plan.header("ETag") == Self.etag)
        // Only GET: HEAD and others ignore Range.
        #expect(Self.plan(ConditionalHeaders(range: "bytes=0-0"), method: .head).status == 200)
        #expect(Self.plan(ConditionalHeaders(range: "bytes=0-0"), method: .other).status == 200)
        // An invalid header is ignored.
        #expect(Self.plan(ConditionalHeaders(range: "bytes=5-2")).status == 200)
        // `bytes=-5000` on this 1000-byte file: all of it, still 206.
        #expect(Self.plan(ConditionalHeaders(range: "bytes=-5000")).header("Content-Range") == "bytes 0-999/1000")
    }

    @Test func multipleRanges() {
        let plan = Self.plan(ConditionalHeaders(range: "bytes=0-99,900-"))
        #expect(plan.status == 206)
        guard case .multipart(let body) = plan.body else {
            Issue.record("not multipart: \(plan.body)")
            return
        }
        #expect(plan.header("Content-Type") == "multipart/byteranges; boundary=BOUNDARY")
        #expect(plan.header("Content-Length") == String(body.contentLength))
        #expect(plan.header("Content-Range") == nil)
        #expect(body.parts.map(\.range) == [ByteRange(first: 0, last: 99), ByteRange(first: 900, last: 999)])
        #expect(
            body.parts[1].header
                == Array("\r\n--BOUNDARY\r\nContent-Type: text/plain\r\nContent-Range: bytes 900-999/1000\r\n\r\n".utf8)
        )
    }

    @Test func unsatisfiable() {
        let plan = Self.plan(ConditionalHeaders(range: "bytes=1000-"))
        #expect(plan.status == 416)
        #expect(plan.body == .none)
        #expect(plan.headers.map(\.name) == ["Content-Range"])
        #expect(plan.header("Content-Range") == "bytes */1000")
    }

    /// (If-Range, status)
    @Test(arguments: [
        (etag, 206), (lastModified, 206), ("\"stale\"", 200), ("W/" + etag, 200),
        ("Tue, 14 Nov 2023 22:13:21 GMT", 200), ("junk", 200),
    ])
    func ifRange(value: String, status: Int) {
        #expect(Self.plan(ConditionalHeaders(ifRange: value, range: "bytes=0-0")).status == status)
    }

    @Test func theBoundaryIsMadeOnlyForMultipart() {
        var calls = 0
        _ = StaticResponsePlan(
            file: Self.file, contentType: "text/plain", method: .get, headers: ConditionalHeaders(range: "bytes=0-0"),
            settings: StaticFileSettings(), now: Self.now,
            makeBoundary: {
                calls += 1
                return "x"
            })
        #expect(calls == 0)
    }
}
