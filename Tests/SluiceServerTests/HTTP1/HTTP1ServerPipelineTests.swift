import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceServer
import Testing

/// Records the request parts that reach the end of the pipeline (the application's seat).
private final class PartRecorder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    var parts: [String] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head): parts.append("head \(head.uri)")
        case .body(let bytes): parts.append("body \(String(buffer: bytes))")
        case .end: parts.append("end")
        }
    }
}

/// The decoder and the error responder with NIO's encoder and pipelining handler, as the server
/// assembles them; the test plays the application by writing responses at the tail.
@Suite final class HTTP1ServerPipelineTests {
    let channel = EmbeddedChannel()
    private let recorder = PartRecorder()

    init() throws {
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    deinit {
        _ = try? channel.finish(acceptAlreadyClosed: true)
    }

    private func addHandlers(errorPage: @escaping HTTP1RequestErrorResponder.ErrorPage = { _ in nil }) throws {
        try channel.pipeline.syncOperations.addHandlers([
            HTTPResponseEncoder(), HTTP1RequestDecoder(), HTTP1RequestErrorResponder(errorPage: errorPage),
            HTTPServerPipelineHandler(), recorder,
        ])
    }

    private func outboundText() throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            text += String(buffer: buffer)
        }
        return text
    }

    private func respond(_ status: HTTPResponseStatus, body: String? = nil, end: Bool = true) throws {
        var head = HTTPResponseHead(version: .http1_1, status: status)
        head.headers.add(name: "Content-Length", value: String(body?.utf8.count ?? 0))
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        if let body { channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil) }
        if end { channel.write(HTTPServerResponsePart.end(nil), promise: nil) }
        channel.flush()
    }

    @Test func aBadRequestIsAnsweredWithItsStatusAndClosed() throws {
        try addHandlers()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"))
        channel.embeddedEventLoop.run()
        #expect(try outboundText() == "HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        #expect(!channel.isActive)
        #expect(recorder.parts.isEmpty)
    }

    @Test(arguments: [
        ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\n", "414 URI Too Long"),
        (
            "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 9000) + "\r\n\r\n",
            "431 Request Header Fields Too Large"
        ),
        ("GET / HTTP/2.0\r\n\r\n", "505 HTTP Version Not Supported"),
        ("GET /\r\n", "400 Bad Request"),
    ])
    func statusLines(request: String, status: String) throws {
        try addHandlers()
        try channel.writeInbound(ByteBuffer(string: request))
        channel.embeddedEventLoop.run()
        #expect(try outboundText().hasPrefix("HTTP/1.1 \(status)\r\nConnection: close\r\n"))
        #expect(!channel.isActive)
    }

    @Test func theErrorWaitsForTheResponseToAnEarlierPipelinedRequest() throws {
        try addHandlers()
        try channel.writeInbound(ByteBuffer(string: "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"))
        #expect(recorder.parts == ["head /1", "end"])
        #expect(try outboundText() == "")
        #expect(channel.isActive)

        try respond(.ok, body: "one")
        channel.embeddedEventLoop.run()
        #expect(
            try outboundText()
                == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
                + "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        #expect(!channel.isActive)
    }

    @Test func aBrokenBodyNobodyAnsweredYetGetsTheStatus() throws {
        try addHandlers()
        try channel.writeInbound(
            ByteBuffer(string: "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX"))
        channel.embeddedEventLoop.run()
        #expect(recorder.parts == ["head /up", "body abc"])
        #expect(try outboundText() == "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        #expect(!channel.isActive)
    }

    @Test func aBrokenBodyAfterTheAnswerBeganJustCloses() throws {
        try addHandlers()
        try channel.writeInbound(ByteBuffer(string: "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"))
        try respond(.ok, body: "early", end: false)
        #expect(try outboundText() == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nearly")
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        channel.embeddedEventLoop.run()
        #expect(try outboundText() == "")
        #expect(!channel.isActive)
    }

    @Test func theErrorPageProvidesTheBody() throws {
        var seen: [HTTP1RequestError] = []
        try addHandlers { error in
            seen.append(error)
            return ("text/html", ByteBuffer(string: "<h1>\(error.status.code)</h1>"))
        }
        try channel.writeInbound(
            ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n"))
        channel.embeddedEventLoop.run()
        #expect(
            try outboundText()
                == "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/html\r\nContent-Length: 12\r\n\r\n<h1>400</h1>"
        )
        #expect(seen == [.multipleContentLength])
    }

    @Test func nioServerUpgradeHandlerWorksWithTheDecoder() throws {
        let encoder = HTTPResponseEncoder()
        let decoder = HTTP1RequestDecoder()
        let responder = HTTP1RequestErrorResponder()
        let pipelining = HTTPServerPipelineHandler()
        let upgrader = RawUpgrader()
        let upgradeHandler = HTTPServerUpgradeHandler(
            upgraders: [upgrader], httpEncoder: encoder, extraHTTPHandlers: [decoder, responder, pipelining],
            upgradeCompletionHandler: { _ in })
        try channel.pipeline.syncOperations.addHandlers([encoder, decoder, responder, pipelining, upgradeHandler])

        try channel.writeInbound(
            ByteBuffer(string: "GET /raw HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: raw\r\n\r\nEARLY"))
        channel.embeddedEventLoop.run()
        try channel.writeInbound(ByteBuffer(string: "LATER"))
        channel.embeddedEventLoop.run()
        #expect(try outboundText().hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
        #expect(upgrader.collector.received == "EARLYLATER")
    }
}

/// Collects raw bytes after an upgrade.
private final class RawCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var received = ""

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += String(buffer: Self.unwrapInboundIn(data))
    }
}

/// An upgrader to a protocol of raw bytes, to see what reaches the upgraded pipeline.
private final class RawUpgrader: HTTPServerProtocolUpgrader {
    let supportedProtocol = "raw"
    let requiredUpgradeHeaders: [String] = []
    let collector = RawCollector()

    func buildUpgradeResponse(
        channel: Channel, upgradeRequest: HTTPRequestHead, initialResponseHeaders: HTTPHeaders
    ) -> EventLoopFuture<HTTPHeaders> {
        channel.eventLoop.makeSucceededFuture(initialResponseHeaders)
    }

    func upgrade(context: ChannelHandlerContext, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<Void> {
        context.eventLoop.makeCompletedFuture {
            try context.pipeline.syncOperations.addHandler(collector)
        }
    }
}
