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

    @Test func aConnectionThatNeverSendsIsClosedWithoutAnAnswer() throws {
        let harness = try CodecHarness(configuration: Self.configuration)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!harness.channel.isActive)
        #expect(try harness.outboundText() == "")
    }

    @Test func aTricklingHeadIsCutOffWith408() throws {
        let harness = try CodecHarness(configuration: Self.configuration)
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
        let harness = try CodecHarness(configuration: Self.configuration)
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
        let harness = try CodecHarness(configuration: Self.configuration)
        try harness.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nab")
        harness.respond(body: "early", end: false)
        _ = try harness.outboundText()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(try harness.outboundText() == "")
        #expect(!harness.channel.isActive)
    }

    @Test func noTimeoutWhileTheResponseIsProduced() throws {
        let harness = try CodecHarness(configuration: Self.configuration)
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
        let harness = try CodecHarness(configuration: Self.configuration)
        try harness.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n")
        harness.respond()  // answered before the body came
        try harness.send("ab")
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(!harness.channel.isActive)
    }

    @Test func theFirstBytesOfTheNextRequestStartItsHeadTimer() throws {
        let harness = try CodecHarness(configuration: Self.configuration)
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
        let harness = try CodecHarness(configuration: Self.configuration)
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
}
