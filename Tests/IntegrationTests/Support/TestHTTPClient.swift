import NIOCore
import NIOHTTP1
import NIOPosix

/// A small real HTTP/1.1 client for integration tests: one TCP connection, keep-alive, pipelining (send
/// several requests, then read the responses in order), streamed request and response bodies.
///
///     try await TestHTTPClient.withConnection(port: worker.port) { connection in
///         let response = try await connection.request(TestHTTPRequest("/echo"))
///         #expect(response.status == .ok)
///     }
///
/// Every connection has a deadline (default 10 s) after which it is closed and the pending call throws
/// ``TestClientError/timedOut(_:)``; the connection is closed when `body` returns or throws.
enum TestHTTPClient {
    static func withConnection<Result: Sendable>(
        host: String = "127.0.0.1",
        port: Int,
        timeout: Duration = .seconds(10),
        _ body: (TestHTTPConnection) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // NIO's default client handlers drop 1xx responses; these keep them for `informational`.
                    try channel.pipeline.syncOperations.addHandler(HTTPRequestEncoder())
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(
                            HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .forward)))
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        let deadline = TestConnectionDeadline(channel: channel.channel, timeout: timeout)
        defer { deadline.cancel() }
        let authority = "\(host):\(port)"
        return try await channel.executeThenClose { inbound, outbound in
            let connection = TestHTTPConnection(
                inbound: inbound.makeAsyncIterator(),
                outbound: outbound,
                authority: authority,
                deadline: deadline
            )
            return try await body(connection)
        }
    }

    /// One request on a connection of its own.
    static func request(
        _ request: TestHTTPRequest,
        host: String = "127.0.0.1",
        port: Int,
        timeout: Duration = .seconds(10)
    ) async throws -> TestHTTPResponse {
        try await withConnection(host: host, port: port, timeout: timeout) { connection in
            try await connection.request(request)
        }
    }
}

/// The open connection handed to ``TestHTTPClient/withConnection(host:port:timeout:_:)``'s body.
final class TestHTTPConnection {
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    private let deadline: TestConnectionDeadline
    /// `host:port` this connection goes to; the default `Host` header.
    let authority: String

    init(
        inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>,
        authority: String,
        deadline: TestConnectionDeadline
    ) {
        self.inbound = inbound
        self.outbound = outbound
        self.authority = authority
        self.deadline = deadline
    }

    // MARK: Sending

    /// Sends a whole request (head, body, end) without waiting for the response, in one write: a server that
    /// answers on the head and closes (`Connection: close`) must not find the client still writing its end
    /// (that write then failed with "I/O on closed channel" on a loaded machine).
    func send(_ request: TestHTTPRequest) async throws {
        var parts: [HTTPClientRequestPart] = [.head(request.head(authority: self.authority))]
        if let body = request.body, body.readableBytes > 0 {
            parts.append(.body(.byteBuffer(body)))
        }
        parts.append(.end(nil))
        do {
            try await self.outbound.write(contentsOf: parts)
        } catch {
            if self.deadline.hasExpired { throw TestClientError.timedOut("writing a request") }
            throw error
        }
    }

    func sendHead(_ head: HTTPRequestHead) async throws {
        try await self.write(.head(head))
    }

    /// One body chunk (chunked framing if the head had neither `Content-Length` nor `Transfer-Encoding`).
    func sendBody(_ chunk: ByteBuffer) async throws {
        try await self.write(.body(.byteBuffer(chunk)))
    }

    func sendEnd(trailers: HTTPHeaders? = nil) async throws {
        try await self.write(.end(trailers))
    }

    // MARK: Receiving

    /// The next response head. 1xx heads are skipped unless `includingInformational`.
    func readResponseHead(includingInformational: Bool = false) async throws -> HTTPResponseHead {
        while true {
            switch try await self.nextPart("waiting for a response head") {
            case .head(let head):
                if includingInformational || !Self.isInterim(head) {
                    return head
                }
            case .body, .end:
                throw TestClientError.unexpected("body part while waiting for a response head")
            }
        }
    }

    /// The next body chunk of the response being read; `nil` once it has ended (then ``lastTrailers``
    /// holds its trailers, if any).
    func readBodyChunk() async throws -> TestBodyChunk? {
        switch try await self.nextPart("reading a response body") {
        case .body(let data):
            return TestBodyChunk(data: data, arrival: .now)
        case .end(let trailers):
            self.lastTrailers = trailers
            return nil
        case .head:
            throw TestClientError.unexpected("response head in the middle of a body")
        }
    }

    /// Trailers of the last response whose end was read.
    private(set) var lastTrailers: HTTPHeaders?

    /// Reads one whole response (after any 1xx).
    func readResponse() async throws -> TestHTTPResponse {
        var informational: [HTTPResponseHead] = []
        var head = try await self.readResponseHead(includingInformational: true)
        while Self.isInterim(head) {
            informational.append(head)
            head = try await self.readResponseHead(includingInformational: true)
        }
        var response = TestHTTPResponse(head: head, informational: informational)
        while let chunk = try await self.readBodyChunk() {
            response.chunks.append(chunk)
        }
        response.trailers = self.lastTrailers
        return response
    }

    /// Sends `request` and reads its response.
    func request(_ request: TestHTTPRequest) async throws -> TestHTTPResponse {
        try await self.send(request)
        return try await self.readResponse()
    }

    /// Waits until the server closes the connection; throws if it sends anything else first.
    func expectClose() async throws {
        do {
            if try await self.inbound.next() != nil {
                throw TestClientError.unexpected("data while waiting for the server to close")
            }
        } catch let error as TestClientError {
            throw error
        } catch {
            // A reset is a close too.
        }
        if self.deadline.hasExpired {
            throw TestClientError.timedOut("waiting for the server to close")
        }
    }

    // MARK: Plumbing

    private static func isInterim(_ head: HTTPResponseHead) -> Bool {
        head.status.code >= 100 && head.status.code < 200 && head.status != .switchingProtocols
    }

    private func nextPart(_ what: String) async throws -> HTTPClientResponsePart {
        let part: HTTPClientResponsePart?
        do {
            part = try await self.inbound.next()
        } catch {
            if self.deadline.hasExpired { throw TestClientError.timedOut(what) }
            throw error
        }
        guard let part else {
            if self.deadline.hasExpired { throw TestClientError.timedOut(what) }
            throw TestClientError.closed(what)
        }
        return part
    }

    private func write(_ part: HTTPClientRequestPart) async throws {
        do {
            try await self.outbound.write(part)
        } catch {
            if self.deadline.hasExpired { throw TestClientError.timedOut("writing a request") }
            throw error
        }
    }
}

extension TestHTTPClient {
    /// Sends `bytes` as a chunked request body, 256 KB per chunk (with `Expect: 100-continue` when asked), and
    /// reads the response.
    static func uploadChunked(
        _ bytes: [UInt8], method: HTTPMethod = .POST, uri: String, port: Int, expectContinue: Bool = false,
        timeout: Duration = .seconds(60)
    ) async throws -> TestHTTPResponse {
        try await withConnection(port: port, timeout: timeout) { connection in
            var headers = HTTPHeaders([("Host", "x"), ("Transfer-Encoding", "chunked")])
            if expectContinue { headers.add(name: "Expect", value: "100-continue") }
            try await connection.sendHead(HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers))
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 256 * 1024)
                try await connection.sendBody(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
            try await connection.sendEnd()
            return try await connection.readResponse()
        }
    }
}
