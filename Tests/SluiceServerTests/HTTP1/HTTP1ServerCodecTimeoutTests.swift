import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceServer
import Testing

/// `HTTP1ServerCodec`'s time limits, on the embedded loop's clock (`advanceTime`: no sleeping).
@Suite struct HTTP1ServerCodecTimeoutTests {
    private static let configuration = HTTP1ServerCodec.Configuration(
        requestHeadTimeout: .seconds(10), keepAliveIdleTimeout: .seconds(3), writeStallTimeout: .seconds(20))
    private static let timeout = "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    /// Reads are asked for after each arrival, as a socket channel with auto-read does.
    private static func harness() throws -> CodecHarness {
        try CodecHarness(configuration: configuration, autoRead: true)
    }

    @Test func aConnectionThatNeverSendsIsClosedWithoutAnAnswer() throws {
        let harness = try Self.harness()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!harness.channel.isActive)
        #expect(try harness.outboundText() == "")
    }

    @Test func aTricklingHeadIsCutOffWith408() throws {
        let harness = try Self.harness()
        try harness.send("GET / HTTP/1.1\r\n")
        for _ in 0..<9 {
            harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            try harness.send("X: 1\r\n")  // bytes keep coming, but the head is never done
        }
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try harness.outboundText() == Self.timeout)
        #expect(!harness.channel.isActive)
        #expect(harness.recorder.parts.isEmpty)
    }

    @Test func aSilentBodyIsA408AndEachPartMovesTheDeadline() throws {
        let harness = try Self.harness()
        try harness.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nab")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(8))
        try harness.send("cd")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(8))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(try harness.outboundText() == Self.timeout)
        #expect(!harness.channel.isActive)
    }

    @Test func aSilentBodyAfterTheAnswerBeganJustCloses() throws {
        let harness = try Self.harness()
        try harness.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nab")
        harness.respond(body: "early", end: false)
        _ = try harness.outboundText()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(try harness.outboundText() == "")
        #expect(!harness.channel.isActive)
    }

    @Test func noTimeoutWhileTheResponseIsProduced() throws {
        let harness = try Self.harness()
        try harness.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(harness.channel.isActive)
        harness.respond()
        _ = try harness.outboundText()
        // Then the connection is idle: the keep-alive limit applies.
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!harness.channel.isActive)
        #expect(try harness.outboundText() == "")
    }

    @Test func keepAliveIdleAlsoAfterAnAnswerDecidedAtTheHead() throws {
        let harness = try Self.harness()
        try harness.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n")
        harness.respond()  // answered before the body came
        try harness.send("ab")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(!harness.channel.isActive)
    }

    @Test func theFirstBytesOfTheNextRequestStartItsHeadTimer() throws {
        let harness = try Self.harness()
        try harness.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n")
        harness.respond()
        _ = try harness.outboundText()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        try harness.send("GET /2 HTTP/1.1\r\n")  // the keep-alive limit no longer applies
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try harness.outboundText() == Self.timeout)
    }

    @Test func aClientThatStopsReadingIsDisconnected() throws {
        let harness = try Self.harness()
        try harness.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        harness.channel.isWritable = false
        harness.channel.pipeline.fireChannelWritabilityChanged()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(19))
        harness.channel.isWritable = true
        harness.channel.pipeline.fireChannelWritabilityChanged()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(harness.channel.isActive)  // it drained in time: the stall timer stopped

        harness.channel.isWritable = false
        harness.channel.pipeline.fireChannelWritabilityChanged()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(20))
        #expect(!harness.channel.isActive)
    }

    @Test func theBodyIdleLimitWaitsWhileTheApplicationHoldsReads() throws {
        // A proxied body waiting for its backend: Sluice stops reading, so the client's silence is ours.
        let harness = try Self.harness()
        let holder = ReadHolder()
        try harness.channel.pipeline.syncOperations.addHandler(holder)
        try harness.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nab")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(harness.channel.isActive)
        #expect(try harness.outboundText() == "")
        // Reads resume: from now on the client has the whole limit again.
        holder.release()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try harness.outboundText() == Self.timeout)
        #expect(!harness.channel.isActive)
    }

    @Test func theKeepAliveIdleLimitStartsWhenTheResponseIsWritten() throws {
        // A large file to a slow client, as the static path sends it: the head, the file region and the
        // `.end` (whose promise closes the file) are passed down at once; the socket drains for long.
        let harness = try Self.harness()
        let gate = try harness.gateWrites()
        try harness.send("GET /big HTTP/1.1\r\nHost: a\r\n\r\n")
        let handle = try NIOFileHandle(_deprecatedPath: "/dev/null")
        defer { try? handle.close() }
        var head = HTTPResponseHead(version: .http1_1, status: .ok)
        head.headers.add(name: "Content-Length", value: "3")
        harness.write(.head(head))
        harness.write(.body(.fileRegion(FileRegion(fileHandle: handle, readerIndex: 0, endIndex: 3))))
        let ended = harness.channel.writeAndFlush(HTTPServerResponsePart.end(nil))
        _ = try harness.outboundText()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(100))
        #expect(harness.channel.isActive)
        gate.release()
        try ended.wait()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!harness.channel.isActive)
        #expect(try harness.outboundText() == "")
    }

    @Test func theKeepAliveIdleLimitWaitsForASmallResponseToBeWrittenToo() throws {
        // No promise from the handler: the codec puts its own on the last write.
        let harness = try Self.harness()
        let gate = try harness.gateWrites()
        try harness.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        harness.respond(body: "small")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(100))
        #expect(harness.channel.isActive)
        gate.release()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(!harness.channel.isActive)
    }

    @Test func aResponseEndedWhileTheChannelIsUnwritableGetsTheWholeLimitOnceWritten() throws {
        // More than the high watermark still queued at `.end`: its last write is watched.
        let harness = try Self.harness()
        let gate = try harness.gateWrites()
        try harness.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        harness.channel.isWritable = false
        harness.respond(body: String(repeating: "x", count: 5000))
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        harness.channel.isWritable = true
        gate.release()
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(2900))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(100))
        #expect(!harness.channel.isActive)
    }

    @Test func theKeepAliveIdleLimitWaitsForAnAnswerDecidedAtTheHeadToBeWritten() throws {
        let harness = try Self.harness()
        let gate = try harness.gateWrites()
        try harness.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n")
        harness.respond(body: "early")
        try harness.send("ab")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(harness.channel.isActive)
        gate.release()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(!harness.channel.isActive)
    }

    @Test func aPipelinedRequestIsTakenWhileThePreviousResponseIsStillBeingWritten() throws {
        let harness = try Self.harness()
        let gate = try harness.gateWrites()
        try harness.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
        harness.respond(body: "one")
        #expect(harness.recorder.take() == ["head GET /1", "end", "head GET /2", "end"])
        gate.release()  // /1 is written; /2 is being answered: no limit applies
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(harness.channel.isActive)
        harness.respond(body: "two")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(!harness.channel.isActive)
    }
}
