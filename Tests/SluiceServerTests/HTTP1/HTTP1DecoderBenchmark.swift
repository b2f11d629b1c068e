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

/// Counts what reaches the end of the pipeline, so neither decoder's work can be skipped. For
/// `HTTP1ServerCodec`, which passes the next request on only once the previous one was answered, it
/// writes an empty answer (a bare `.end`: no bytes) to each request.
private final class PartCounter: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    let answers: Bool
    var heads = 0
    var ends = 0
    var lastHead: HTTPRequestHead?

    init(answers: Bool) {
        self.answers = answers
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            heads += 1
            lastHead = head
        case .body: break
        case .end:
            ends += 1
            if answers { context.write(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil) }
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
        let counter = PartCounter(answers: false)
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
        let ours = try Self.decodeWith(HTTP1ServerCodec(), request)
        let nios = try Self.decodeWith(ByteToMessageHandler(HTTPRequestDecoder()), request)
        #expect(ours != nil)
        #expect(ours == nios)
    }
}

/// ns per request for `typicalGET`, Sluice's codec vs NIO's decoder, each in a channel pipeline with a
/// counting handler, plus the bare parser. Run with:
/// `SLUICE_BENCH=1 swift test -c release --filter HTTP1DecoderBenchmark`
@Suite(.enabled(if: getenv("SLUICE_BENCH") != nil))
struct HTTP1DecoderBenchmark {
    static let iterations = 200_000

    /// This thread's CPU time, so other processes on a shared machine skew the result less than
    /// wall-clock time would.
    private static func threadCPUNanoseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e9 + Double(time.tv_nsec)
    }

    /// Median of 5 runs of `iterations` requests.
    private static func nanosecondsPerRequest(_ body: () throws -> Void) rethrows -> Double {
        var samples: [Double] = []
        for _ in 0..<5 {
            let start = threadCPUNanoseconds()
            try body()
            samples.append((threadCPUNanoseconds() - start) / Double(iterations))
        }
        return samples.sorted()[2]
    }

    private static func pipelineRun(_ decoder: ChannelHandler, answers: Bool) throws -> Double {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        let counter = PartCounter(answers: answers)
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
        #expect(typicalGET.utf8.count > 280 && typicalGET.utf8.count < 350)
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
        // The floor: only building the Strings, the field array and the head NIO's types need.
        let lines = typicalGET.split(separator: "\r\n").dropFirst().map { line in
            let colon = line.firstIndex(of: ":")!
            return (Array(line[..<colon].utf8), Array(line[line.index(after: colon)...].dropFirst().utf8))
        }
        let target = Array("/app/items/42?sort=desc&page=2".utf8)
        var built = 0
        let floor = Self.nanosecondsPerRequest {
            for _ in 0..<Self.iterations {
                var fields: [(String, String)] = []
                fields.reserveCapacity(16)
                for (name, value) in lines {
                    fields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
                }
                let head = HTTPRequestHead(
                    version: .http1_1, method: .GET, uri: String(decoding: target, as: UTF8.self),
                    headers: HTTPHeaders(fields))
                built &+= head.headers.count
            }
        }
        #expect(built == 5 * Self.iterations * 8)
        let ours = try Self.pipelineRun(HTTP1ServerCodec(), answers: true)
        let nios = try Self.pipelineRun(ByteToMessageHandler(HTTPRequestDecoder()), answers: false)
        print(
            "HTTP1DecoderBenchmark (thread CPU time): \(typicalGET.utf8.count)-byte GET, 8 fields: parser \(Int(parserOnly)) ns "
                + "(of which building NIO's head, fields and Strings \(Int(floor)) ns), "
                + "HTTP1ServerCodec (with an empty answer) \(Int(ours)) ns, NIO HTTPRequestDecoder \(Int(nios)) ns per request")
    }
}
