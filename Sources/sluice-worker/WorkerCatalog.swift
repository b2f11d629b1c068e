import NIOCore
import NIOHTTP1

/// A response whose head and body never change: built once at startup and shared by every connection, so
/// the hot path (`/`) formats nothing per request.
struct FixedResponse: Sendable {
    /// The head for an HTTP/1.1 keep-alive exchange; other cases adjust a copy.
    let head: HTTPResponseHead
    let body: ByteBuffer

    init(status: HTTPResponseStatus = .ok, contentType: String, body: String, extraHeaders: [(String, String)] = []) {
        let body = ByteBuffer(string: body)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        for (name, value) in extraHeaders {
            headers.add(name: name, value: value)
        }
        self.head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        self.body = body
    }
}

/// Everything about the worker's responses that is known once it is listening (its name depends on the
/// port bound when `--port 0`). Immutable and shared by all event loops.
final class WorkerCatalog: Sendable {
    /// Size of the shared chunk `/bytes` streams from; a multiple of 256 so the pattern (byte `i` of the
    /// body is `i % 256`) lines up across chunks.
    static let byteChunkSize = 64 * 1024

    let name: String
    let hello: FixedResponse
    let welcome: FixedResponse
    let cookie: FixedResponse
    let notFound: FixedResponse
    let upgradeRequired: FixedResponse
    /// `i % 256` for `i` in `0..<byteChunkSize`.
    let byteChunk: ByteBuffer
    /// Artificial service time of every response.
    let delay: ResponseDelay

    init(name: String, delay: ResponseDelay) {
        self.name = name
        self.delay = delay
        let text = "text/plain; charset=utf-8"
        self.hello = FixedResponse(contentType: text, body: "hello from \(name)\n")
        self.welcome = FixedResponse(contentType: text, body: "welcome to \(name)\n")
        self.cookie = FixedResponse(
            contentType: text,
            body: "cookie set by \(name)\n",
            extraHeaders: [("Set-Cookie", "worker=\(name); Path=/")]
        )
        self.notFound = FixedResponse(status: .notFound, contentType: text, body: "not found\n")
        self.upgradeRequired = FixedResponse(
            status: .upgradeRequired,
            contentType: text,
            body: "/ws needs a WebSocket upgrade\n",
            extraHeaders: [("Upgrade", "websocket")]
        )
        var chunk = ByteBuffer()
        chunk.reserveCapacity(Self.byteChunkSize)
        for index in 0..<Self.byteChunkSize {
            chunk.writeInteger(UInt8(truncatingIfNeeded: index))
        }
        self.byteChunk = chunk
    }
}
