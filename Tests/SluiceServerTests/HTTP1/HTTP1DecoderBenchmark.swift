import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceServer
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts what reaches the end of the pipeline, so neither decoder's work can be skipped.
private final class PartCounter: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    var heads = 0
    var ends = 0
    var lastHead: HTTPRequestHead?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            heads += 1
            lastHead = head
        case .body: break
        case .end: ends += 1
        }
    }
}

/// A typical browser GET through the example config: 8 header fields, about 300 bytes.
let typicalGET =
    "GET /app/items/42?sort=desc&page=2 HTTP/1.1\r\n"
    + "Host: www.example.com\r\n"
    + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
    + "Accept: text/html,application/xhtml+xml\r\n"
    + "Accept-Language: en-US,en;q=0.5\r\n"
    + "Accept-Encoding: gzip, deflate, br\r\n"
    + "Connection: keep-alive\r\n"
    + "Cookie: session=4f2a9c\r\n"
    + "Upgrade-Insecure-Requests: 1\r\n\r\n"

@Suite struct HTTP1DecoderComparisonTests {
    private static func decodeWith(_ handler: ChannelHandler, _ request: String) throws -> HTTPRequestHead? {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        let counter = PartCounter()
        try channel.pipeline.syncOperations.addHandlers([handler, counter])
        try channel.writeInbound(ByteBuffer(string: request))
        return counter.lastHead
    }

    /// On well-formed requests Sluice's decoder and NIO's agree exactly (method, target, version,
    /// fields). One known difference is left out: llhttp keeps trailing whitespace in a field value,
    /// which RFC 9110 §5.5 excludes from the value; Sluice trims it.
    @Test(arguments: [
        typicalGET,
        "POST /form HTTP/1.1\r\nHost: a:8080\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b",
        "DELETE /x/%41 HTTP/1.0\r\nX-Empty:\r\nX-Spaces:   v\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
    ])
    func agreesWithNIOOnValidRequests(_ request: String) throws {
        let ours = try Self.decodeWith(HTTP1RequestDecoder(), request)
        let nios = try Self.decodeWith(ByteToMessageHandler(HTTPRequestDecoder()), request)
        #expect(ours != nil)
        #expect(ours == nios)
    }
}

/// ns per request for `typicalGET`, Sluice's decoder vs NIO's, each in a channel pipeline with a
/// counting handler, plus the bare parser. Run with:
/// `SLUICE_BENCH=1 swift test -c release --filter HTTP1DecoderBenchmark`
@Suite(.enabled(if: getenv("SLUICE_BENCH") != nil))
struct HTTP1DecoderBenchmark {
    static let iterations = 200_000

    private static func nanosecondsPerRequest(_ body: () throws -> Void) rethrows -> Double {
        var samples: [Double] = []
        for _ in 0..<5 {
            let start = ContinuousClock.now
            try body()
            let elapsed = ContinuousClock.now - start
            let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            samples.append(nanos / Double(iterations))
        }
        return samples.sorted()[2]
    }

    private static func pipelineRun(_ decoder: ChannelHandler) throws -> Double {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        let counter = PartCounter()
        try channel.pipeline.syncOperations.addHandlers([decoder, counter])
        let request = ByteBuffer(string: typicalGET)
        let result = nanosecondsPerRequest {
            for _ in 0..<iterations {
                channel.pipeline.fireChannelRead(request)
            }
        }
        #expect(counter.heads == 5 * iterations && counter.ends == 5 * iterations)
        return result
    }

    @Test func typicalGETWithEightHeaders() throws {
        #expect(typicalGET.utf8.count > 280 && typicalGET.utf8.count < 320)
        var parser = HTTP1RequestParser()
        let request = ByteBuffer(string: typicalGET)
        var heads = 0
        let parserOnly = Self.nanosecondsPerRequest {
            for _ in 0..<Self.iterations {
                var buffer = request
                while let event = parser.next(from: &buffer) {
                    if case .head = event { heads += 1 }
                }
            }
        }
        #expect(heads == 5 * Self.iterations)
        let ours = try Self.pipelineRun(HTTP1RequestDecoder())
        let nios = try Self.pipelineRun(ByteToMessageHandler(HTTPRequestDecoder()))
        print(
            "HTTP1DecoderBenchmark: \(typicalGET.utf8.count)-byte GET, 8 fields: parser \(Int(parserOnly)) ns, "
                + "HTTP1RequestDecoder \(Int(ours)) ns, NIO HTTPRequestDecoder \(Int(nios)) ns per request")
    }
}
