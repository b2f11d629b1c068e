import NIOCore
import NIOHTTP1

/// A request as the test client sends it. A `Host` header is added when none is given; a body gets a
/// `Content-Length` unless the headers already frame it (`Content-Length` or `Transfer-Encoding`).
struct TestHTTPRequest: Sendable {
    var method: HTTPMethod
    var target: String
    var version: HTTPVersion
    var headers: HTTPHeaders
    var body: ByteBuffer?

    /// A `GET` without a body.
    init(_ target: String, version: HTTPVersion = .http1_1, headers: [(String, String)] = []) {
        self.init(.GET, target, version: version, headers: headers, body: nil)
    }

    init(
        _ method: HTTPMethod,
        _ target: String,
        version: HTTPVersion = .http1_1,
        headers: [(String, String)] = [],
        body: ByteBuffer? = nil
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = HTTPHeaders(headers)
        self.body = body
    }

    init(
        _ method: HTTPMethod,
        _ target: String,
        version: HTTPVersion = .http1_1,
        headers: [(String, String)] = [],
        body: String
    ) {
        self.init(method, target, version: version, headers: headers, body: ByteBuffer(string: body))
    }

    /// The head as sent to a server at `authority`.
    func head(authority: String) -> HTTPRequestHead {
        var headers = self.headers
        if !headers.contains(name: "Host") {
            headers.add(name: "Host", value: authority)
        }
        if let body = self.body, !headers.contains(name: "Content-Length"), !headers.contains(name: "Transfer-Encoding") {
            headers.add(name: "Content-Length", value: String(body.readableBytes))
        }
        return HTTPRequestHead(version: self.version, method: self.method, uri: self.target, headers: headers)
    }
}

/// A piece of a response body and when it arrived (to show streaming; tests must not assert on timing).
struct TestBodyChunk: Sendable {
    let data: ByteBuffer
    let arrival: ContinuousClock.Instant
}

/// A complete response as received.
struct TestHTTPResponse: Sendable {
    let head: HTTPResponseHead
    /// 1xx heads received before `head` (e.g. `100 Continue`).
    var informational: [HTTPResponseHead] = []
    var chunks: [TestBodyChunk] = []
    var trailers: HTTPHeaders?

    var status: HTTPResponseStatus { self.head.status }
    var headers: HTTPHeaders { self.head.headers }

    /// The first value of header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        self.head.headers.first(name: name)
    }

    /// The chunks joined.
    var body: ByteBuffer {
        if self.chunks.count == 1 {
            return self.chunks[0].data
        }
        var body = ByteBuffer()
        body.reserveCapacity(self.chunks.reduce(0) { $0 + $1.data.readableBytes })
        for chunk in self.chunks {
            var data = chunk.data
            body.writeBuffer(&data)
        }
        return body
    }

    var bodyString: String { String(buffer: self.body) }
}
