import NIOCore
import SluiceServer
import Testing

/// `server.busy-poll` end to end: a proxied and a static request through loops that poll instead of
/// sleeping, answered as usual, the loops' spins counted, and the server stopping cleanly.
@Suite struct BusyPollTests {
    @Test func pollingLoopsServeProxiedAndStaticRequests() async throws {
        let root = try TemporaryDirectory()
        try root.write("static/a.txt", "static bytes")
        let upstream = try await ScriptedUpstream.start(
            reply: Array("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nproxied".utf8), closeAfterReply: false)
        let config = """
            server.busy-poll = 10000
            server.document-root = "\(root.path)"
            server.modules = ( "mod_proxy_core", "mod_proxy_backend_http", "mod_status" )
            status.status-url = "/server-status"
            $HTTP["url"] =^ "/app" {
              proxy-core.protocol = "http"
              proxy-core.backends = ( "127.0.0.1:\(upstream.port)" )
            }
            """
        try await TestSluice.with(config: config, threads: 2) { sluice in
            let poller = try #require(sluice.server.busyPoller)
            #expect(poller.window == .milliseconds(10))
            #expect(poller.isAttached)
            // Round trips on one connection, each answered within microseconds: with a 10 ms window, some request
            // or upstream response lands while the loop is still polling. At least ten, then more until one has
            // (a loaded machine may deschedule the client between them); the bounds only stop a hang.
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(30)
            var roundTrips = 0
            try await TestHTTPClient.withConnection(port: sluice.port, timeout: .seconds(60)) { connection in
                repeat {
                    let proxied = try await connection.request(TestHTTPRequest("/app/x"))
                    #expect(proxied.status == .ok)
                    #expect(proxied.bodyString == "proxied")
                    let file = try await connection.request(TestHTTPRequest("/static/a.txt"))
                    #expect(file.bodyString == "static bytes")
                    roundTrips += 2
                } while roundTrips < 10 || (poller.statistics.endedByEvent == 0 && roundTrips < 500 && clock.now < deadline)
            }
            let statistics = poller.statistics
            #expect(statistics.spins > 0)
            #expect(statistics.endedByEvent > 0, "after \(roundTrips) round trips")
            // The status page reports the counts, for tuning the window.
            let status = try await TestHTTPClient.request(TestHTTPRequest("/server-status?json"), port: sluice.port)
            #expect(status.bodyString.contains("\"busyPoll\": {\"windowMicroseconds\": 10000, \"spins\": "))
            let metrics = try await TestHTTPClient.request(TestHTTPRequest("/server-status?prometheus"), port: sluice.port)
            #expect(metrics.bodyString.contains("\nsluice_busy_poll_woken_total "))
        }
        await upstream.stop()
    }

    @Test func withoutTheKeyNoPollerIsInstalled() async throws {
        let config = "server.modules = ( \"mod_status\" )\nstatus.status-url = \"/s\"\nserver.document-root = \"/nonexistent\""
        try await TestSluice.with(config: config) { sluice in
            #expect(sluice.server.busyPoller == nil)
            let status = try await TestHTTPClient.request(TestHTTPRequest("/s?json"), port: sluice.port)
            #expect(status.bodyString.contains("\"busyPoll\": null"))
        }
    }
}
