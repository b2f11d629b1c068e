import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceServer
import Testing

/// `HTTP1ServerCodec` between requests: one request at a time, responses in order, reads held only
/// above the bound (or by the handler above), refusals, and graceful shutdown.
@Suite struct HTTP1ServerCodecPipeliningTests {
    private static let get1 = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
    private static let get2 = "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
    private static let get3 = "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n"

    @Test func twoPipelinedRequestsAreDeliveredOneAtATime() throws {
        let harness = try CodecHarness()
        try harness.send(Self.get1 + Self.get2)
        #expect(harness.recorder.take() == ["head GET /1", "end"])
        harness.respond(body: "one")
        #expect(harness.recorder.take() == ["head GET /2", "end"])
        harness.respond(body: "two")
        #expect(
            try harness.outboundText()
                == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none" + "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo")
    }

    @Test func threePipelinedRequestsAnsweredAtOnceComeOutInOrder() throws {
        // The application answers each request as its end arrives (inside the codec's delivery): the
        // next head must follow the previous response, never overtake it.
        let harness = try CodecHarness()
        var answered = 0
        harness.recorder.onPart = { part in
            guard case .end = part else { return }
            answered += 1
            harness.respond(body: "r\(answered)")
        }
        try harness.send(Self.get1 + "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx" + Self.get3)
        #expect(harness.recorder.take() == ["head GET /1", "end", "head POST /2", "body x", "end", "head GET /3", "end"])
        let body = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
        #expect(try harness.outboundText() == body + "r1" + body + "r2" + body + "r3")
    }

    @Test func readsGoOnWhileAResponseIsPendingUnderTheBound() throws {
        let harness = try CodecHarness(configuration: .init(maxBufferedBytes: 100))
        try harness.send(Self.get1 + Self.get2)  // the 28 bytes of /2 wait
        harness.channel.read()
        #expect(harness.readCounter.reads == 1)
        try harness.send(String(repeating: "G", count: 80))  // now over the bound
        harness.channel.read()
        #expect(harness.readCounter.reads == 1)
        harness.respond()
        // /2 was parsed and delivered, the rest (a partial head) is under the bound: the held read goes on.
        #expect(harness.recorder.take() == ["head GET /1", "end", "head GET /2", "end"])
        #expect(harness.readCounter.reads == 2)
    }

    @Test func aReadHeldByTheHandlerAboveStaysHeld() throws {
        // The application holds reads (its body waits for a backend): none reaches the socket.
        let harness = try CodecHarness()
        let holder = ReadHolder()
        try harness.channel.pipeline.syncOperations.addHandler(holder)
        try harness.send("POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab")
        harness.channel.read()
        #expect(harness.readCounter.reads == 0)
        harness.respond()
        #expect(harness.readCounter.reads == 0)
        holder.release()
        #expect(harness.readCounter.reads == 1)
    }

    @Test func aRefusalWaitsForTheResponseToAnEarlierPipelinedRequest() throws {
        let harness = try CodecHarness()
        try harness.send(Self.get1 + "GET /2 HTTP/1.1\r\n\r\n")
        #expect(harness.recorder.take() == ["head GET /1", "end"])
        #expect(try harness.outboundText() == "")
        #expect(harness.channel.isActive)

        harness.respond(body: "one")
        harness.channel.embeddedEventLoop.run()
        #expect(
            try harness.outboundText()
                == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
                + "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        #expect(!harness.channel.isActive)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", "501 Not Implemented"),
        ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\n", "414 URI Too Long"),
        (
            "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 9000) + "\r\n\r\n",
            "431 Request Header Fields Too Large"
        ),
        ("GET / HTTP/2.0\r\n\r\n", "505 HTTP Version Not Supported"),
        ("GET /\r\n", "400 Bad Request"),
    ])
    func refusalStatusLines(request: String, status: String) throws {
        let harness = try CodecHarness()
        try? harness.send(request)
        harness.channel.embeddedEventLoop.run()
        #expect(try harness.outboundText() == "HTTP/1.1 \(status)\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        #expect(!harness.channel.isActive)
        #expect(harness.recorder.parts.isEmpty)
    }

    @Test func aTooLargeBodyIs413BeforeTheHeadGoesUp() throws {
        let harness = try CodecHarness(configuration: .init(requestLimits: .init(maxRequestBodySize: 10)))
        try? harness.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n")
        #expect(try harness.outboundText().hasPrefix("HTTP/1.1 413 Payload Too Large\r\n"))
        #expect(harness.recorder.parts.isEmpty)
    }

    @Test func aBrokenBodyNobodyAnsweredYetGetsTheStatusAndLaterWritesFail() throws {
        let harness = try CodecHarness()
        try? harness.send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX")
        harness.channel.embeddedEventLoop.run()
        #expect(harness.recorder.take() == ["head POST /up", "body abc"])
        #expect(try harness.outboundText() == "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        #expect(!harness.channel.isActive)
        let late = harness.channel.write(HTTPServerResponsePart.end(nil))
        #expect(throws: ChannelError.ioOnClosedChannel) { try late.wait() }
    }

    @Test func aBrokenBodyAfterTheAnswerBeganJustCloses() throws {
        let harness = try CodecHarness()
        try harness.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
        harness.respond(body: "early", end: false)
        #expect(try harness.outboundText() == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nearly")
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        harness.channel.embeddedEventLoop.run()
        #expect(try harness.outboundText() == "")
        #expect(!harness.channel.isActive)
    }

    @Test func theErrorPageProvidesTheBody() throws {
        var seen: [HTTP1RequestError] = []
        let harness = try CodecHarness { error in
            seen.append(error)
            return ("text/html", ByteBuffer(string: "<h1>\(error.status.code)</h1>"))
        }
        try? harness.send("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n")
        harness.channel.embeddedEventLoop.run()
        #expect(
            try harness.outboundText()
                == "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/html\r\nContent-Length: 12\r\n\r\n<h1>400</h1>"
        )
        #expect(seen == [.multipleContentLength])
    }

    @Test func quiescingClosesAnIdleConnectionAtOnce() throws {
        let harness = try CodecHarness()
        try harness.send(Self.get1)
        harness.respond()
        #expect(harness.channel.isActive)
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(!harness.channel.isActive)
    }

    @Test func quiescingLetsTheResponseInFlightFinishWithConnectionClose() throws {
        let harness = try CodecHarness()
        try harness.send(Self.get1 + Self.get2)
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(harness.channel.isActive)
        harness.channel.read()
        #expect(harness.readCounter.reads == 0)  // no further request is taken
        harness.respond(body: "one")
        #expect(try harness.outboundText() == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\none")
        #expect(harness.recorder.take() == ["head GET /1", "end"])  // /2 is never delivered
        #expect(!harness.channel.isActive)
    }

    @Test func quiescingWhileTheBodyArrivesClosesAfterItsEnd() throws {
        let harness = try CodecHarness()
        try harness.send("POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab")
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        harness.respond()
        #expect(harness.channel.isActive)
        try harness.send("cd" + Self.get2)
        #expect(harness.recorder.take() == ["head POST /1", "body ab", "body cd", "end"])
        #expect(!harness.channel.isActive)
    }

    // RFC 9112 §9.6: after a response that closes the connection, no further request is processed.

    @Test func noRequestIsTakenAfterAnAnswerWithConnectionClose() throws {
        let harness = try CodecHarness()
        harness.recorder.onPart = { part in
            guard case .end = part else { return }
            harness.respond(fields: [("Connection", "close")], body: "bye")
        }
        try harness.send(
            "GET / HTTP/1.1\r\nHost:a\r\nConnection: close\r\n\r\nPOST /api HTTP/1.1\r\nHost:a\r\nContent-Length: 0\r\n\r\n")
        #expect(harness.recorder.take() == ["head GET /", "end"])
        #expect(try harness.outboundText() == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye")
        #expect(!harness.channel.isActive)
    }

    @Test func aLaterAnswerWithConnectionCloseStopsTheNextRequestAndClosesOnceWritten() throws {
        let harness = try CodecHarness()
        let gate = try harness.gateWrites()
        try harness.send(Self.get1 + Self.get2)
        #expect(harness.recorder.take() == ["head GET /1", "end"])
        harness.respond(fields: [("Connection", "close")], body: "one")  // max-keep-alive-requests reached
        harness.channel.read()
        #expect(harness.readCounter.reads == 0)  // nothing more is read
        #expect(harness.recorder.take() == [])
        #expect(harness.channel.isActive)  // the answer is still being written
        gate.release()
        #expect(!harness.channel.isActive)
        #expect(harness.recorder.take() == [])
    }

    @Test func anHTTP10AnswerWithoutKeepAliveEndsTheConnection() throws {
        let harness = try CodecHarness()
        try harness.send("GET /1 HTTP/1.0\r\n\r\nGET /2 HTTP/1.0\r\n\r\n")
        harness.respond(version: .http1_0, body: "one")
        #expect(harness.recorder.take() == ["head GET /1", "end"])
        #expect(!harness.channel.isActive)
    }

    @Test func anHTTP10AnswerWithKeepAliveTakesTheNextRequest() throws {
        let harness = try CodecHarness()
        try harness.send("GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n")
        harness.respond(version: .http1_0, fields: [("Connection", "Keep-Alive")], body: "one")
        #expect(harness.recorder.take() == ["head GET /1", "end", "head GET /2", "end"])
        #expect(harness.channel.isActive)
    }

    @Test func aBodyStillArrivingAfterAConnectionCloseAnswerIsReadToItsEnd() throws {
        // The answer was decided at the head; the body goes on to the handler, then the connection closes.
        let harness = try CodecHarness()
        try harness.send("POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab")
        harness.respond(.payloadTooLarge, fields: [("Connection", "close")])
        #expect(harness.channel.isActive)
        try harness.send("cd" + Self.get2)
        #expect(harness.recorder.take() == ["head POST /1", "body ab", "body cd", "end"])
        #expect(!harness.channel.isActive)
    }

    @Test(arguments: [
        (HTTPVersion.http1_1, nil, true),
        (.http1_1, "close", false),
        (.http1_1, "Close", false),
        (.http1_1, "x-trace, close", false),
        (.http1_1, " keep-alive ,\tCLOSE ", false),
        (.http1_1, "closed", true),
        (.http1_0, nil, false),
        (.http1_0, "Keep-Alive", true),
        (.http1_0, "upgrade,keep-alive", true),
        (.http1_0, "keep-alive-x", false),
    ] as [(HTTPVersion, String?, Bool)])
    func theResponsesConnectionFieldDecidesWhetherTheNextRequestIsTaken(
        version: HTTPVersion, connection: String?, keepsAlive: Bool
    ) throws {
        let harness = try CodecHarness()
        try harness.send(Self.get1 + Self.get2)
        harness.respond(version: version, fields: connection.map { [("Connection", $0)] } ?? [], body: "one")
        #expect(harness.recorder.take() == ["head GET /1", "end"] + (keepsAlive ? ["head GET /2", "end"] : []))
        #expect(harness.channel.isActive == keepsAlive)
    }

    @Test func quiescingAConnectionWhoseResponseIsStillBeingWrittenClosesOnceItIs() throws {
        let harness = try CodecHarness()
        let gate = try harness.gateWrites()
        try harness.send(Self.get1)
        harness.respond(body: "one")
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(harness.channel.isActive)
        gate.release()
        #expect(!harness.channel.isActive)
    }
}
