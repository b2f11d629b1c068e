import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceCore
@testable import SluiceServer
import Synchronization
import Testing

/// One health check's request and verdict over an `EmbeddedChannel`: the bytes the backend "sends" → pass or
/// fail, and why (SPEC §4: a complete 2xx passes; anything else fails).
@Suite struct HealthProbeTests {
    final class Verdicts: Sendable {
        let list = Mutex<[HealthProbe.Verdict]>([])
    }

    enum Expected: Sendable, CustomStringConvertible {
        case verdict(HealthProbe.Verdict)
        case anyFailure
        case pending

        var description: String {
            switch self {
            case .verdict(let verdict): "\(verdict)"
            case .anyFailure: "any failure"
            case .pending: "no verdict yet"
            }
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var response: String
        var closeAfter: Bool
        var expected: Expected
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "200 with a body", response: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", closeAfter: false,
            expected: .verdict(.passed(status: 200))),
        Row(name: "204", response: "HTTP/1.1 204 No Content\r\n\r\n", closeAfter: false,
            expected: .verdict(.passed(status: 204))),
        Row(name: "100 then 200", response: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
            closeAfter: false, expected: .verdict(.passed(status: 200))),
        Row(name: "200 read to the close", response: "HTTP/1.1 200 OK\r\n\r\nuntil close", closeAfter: true,
            expected: .verdict(.passed(status: 200))),
        Row(name: "200 whose body is not finished yet", response: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
            closeAfter: false, expected: .pending),
        Row(name: "200 cut short", response: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", closeAfter: true,
            expected: .anyFailure),
        Row(name: "500", response: "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n", closeAfter: false,
            expected: .verdict(.failed(.status(500)))),
        Row(name: "503 fails at the head, before its body", response: "HTTP/1.1 503 Busy\r\nContent-Length: 100\r\n\r\n",
            closeAfter: false, expected: .verdict(.failed(.status(503)))),
        Row(name: "a redirect is not healthy", response: "HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
            closeAfter: false, expected: .verdict(.failed(.status(301)))),
        Row(name: "closed without a word", response: "", closeAfter: true, expected: .verdict(.failed(.closedBeforeAnswer))),
        Row(name: "not HTTP", response: "SSH-2.0-OpenSSH\r\n\r\n", closeAfter: false, expected: .anyFailure),
    ]

    @Test(arguments: rows)
    func verdictOf(_ row: Row) throws {
        let channel = EmbeddedChannel()
        let verdicts = Verdicts()
        let outcome = HealthProbe.Outcome(loop: channel.eventLoop) { verdict in verdicts.list.withLock { $0.append(verdict) } }
        let head = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: "/health",
            headers: HTTPHeaders([("Host", "127.0.0.1:3001"), ("Connection", "close")]))
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        try channel.pipeline.syncOperations.addHandler(HealthProbe.ProbeHandler(request: head, outcome: outcome))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 3001)).wait()

        var sent = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { sent.writeBuffer(&part) }
        #expect(String(buffer: sent) == "GET /health HTTP/1.1\r\nHost: 127.0.0.1:3001\r\nConnection: close\r\n\r\n")

        if !row.response.isEmpty {
            do {
                try channel.writeInbound(ByteBuffer(string: row.response))
            } catch {
                // A decoder error reaches the probe through errorCaught; the embedded channel also rethrows it.
            }
        }
        if row.closeAfter { _ = try? channel.close().wait() }
        let got = verdicts.list.withLock { $0 }
        #expect(got.count <= 1, "one verdict at most: \(got)")
        switch row.expected {
        case .verdict(let verdict):
            #expect(got == [verdict])
        case .anyFailure:
            #expect(got.count == 1 && got.allSatisfy { if case .failed = $0 { true } else { false } }, "\(got)")
        case .pending:
            #expect(got.isEmpty)
        }
        _ = try? channel.finish()
    }

    @Test func hostHeaderNamesTheBackendItself() throws {
        let v4 = try #require(IPAddress("127.0.0.1"))
        let v6 = try #require(IPAddress("::1"))
        #expect(HealthProbe.hostHeader(for: .ip(v4, port: 3001)) == "127.0.0.1:3001")
        #expect(HealthProbe.hostHeader(for: .ip(v6, port: 8080)) == "[::1]:8080")
        #expect(HealthProbe.hostHeader(for: .unix(path: "/run/app.sock")) == "localhost")
    }
}
