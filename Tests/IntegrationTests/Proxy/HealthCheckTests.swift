import Testing

/// `proxy-core.health-check` over real sockets (SPEC §4): a backend whose check fails is taken out of the
/// rotation with the cause logged once, and comes back when its check passes again.
///
/// Checks run every 3 s, and a check may take as long as the interval (bounded by `proxy-core.connect-timeout`,
/// default 5 s): a worker slow to answer on a loaded machine is not taken for a silent one (a 1 s interval
/// gave it 1 s). Verdicts are awaited by polling the log with bounds that only stop a hang.
@Suite(.serialized) struct HealthCheckTests {
    static func config(ports: [Int], path: String, extra: String = "") -> String {
        let backends = ports.map { "\"127.0.0.1:\($0)\"" }.joined(separator: ", ")
        return """
            server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
            $HTTP["url"] =^ "/" {
              proxy-core.balancer = "round-robin"
              proxy-core.backends = ( \(backends) )
              proxy-core.health-check = "\(path)"
              proxy-core.health-check-interval = 3
              \(extra)
            }
            """
    }

    static func reply(status: String, body: String) -> [UInt8] {
        Array("HTTP/1.1 \(status)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8)
    }

    @Test func failingBackendsTakeNoTrafficAndComeBackWhenTheirCheckPasses() async throws {
        let failing = try await ScriptedUpstream.start(reply: Self.reply(status: "500 Internal Server Error", body: "bad\n"))
        let silent = try await ScriptedUpstream.start(reply: nil)
        let refusing = try RefusingPort()
        let log = CapturedLog()
        do {
            try await checkFailuresAndRecovery(failing: failing, silent: silent, deadPort: refusing.port, log: log)
        } catch {
            await failing.stop()
            await silent.stop()
            throw error
        }
        await failing.stop()
        await silent.stop()
        withExtendedLifetime(refusing) {}
    }

    private func checkFailuresAndRecovery(failing: ScriptedUpstream, silent: ScriptedUpstream, deadPort: Int, log: CapturedLog) async throws {
        try await withWorker { worker in
            let ports = [worker.port, failing.port, silent.port, deadPort]
            try await TestSluice.with(config: Self.config(ports: ports, path: "/status/200"), errorLog: log.logger) { sluice in
                let failingDown = "backend 127.0.0.1:\(failing.port) is down: health check GET /status/200 answered 500"
                let silentDown = "backend 127.0.0.1:\(silent.port) is down: health check GET /status/200 no complete answer within 3 s"
                let deadDown = "backend 127.0.0.1:\(deadPort) is down: health check GET /status/200 cannot connect"
                let allDown = try await eventually(within: .seconds(30)) {
                    [failingDown, silentDown, deadDown].allSatisfy { !log.messages(containing: $0).isEmpty }
                }
                #expect(allDown, "log: \(log.messages)")
                // Round-robin over four backends, three of them down: the worker answers everything.
                for _ in 0..<8 {
                    let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: sluice.port)
                    #expect(response.status == .ok)
                    #expect(response.bodyString == "hello from \(worker.name)\n")
                }

                failing.setReply(Self.reply(status: "200 OK", body: "scripted\n"))
                let upAgain = "backend 127.0.0.1:\(failing.port) is up again: health check GET /status/200 answered 200"
                let cameBack = try await eventually(within: .seconds(30)) { !log.messages(containing: upAgain).isEmpty }
                #expect(cameBack, "log: \(log.messages)")
                var bodies = Set<String>()
                for _ in 0..<4 {
                    let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: sluice.port)
                    #expect(response.status == .ok)
                    bodies.insert(response.bodyString)
                }
                #expect(bodies == ["hello from \(worker.name)\n", "scripted\n"])

                // Each change was logged once, however many checks ran meanwhile (at least one more of each).
                #expect(log.messages(containing: failingDown).count == 1)
                #expect(log.messages(containing: silentDown).count == 1)
                #expect(log.messages(containing: deadDown).count == 1)
                #expect(log.messages(containing: upAgain).count == 1)
                #expect(log.messages(containing: "backend 127.0.0.1:\(worker.port)").isEmpty)
                #expect(log.messages(containing: "is down").allSatisfy { $0.hasPrefix("error: ") })
                #expect(log.messages(containing: "is up again").allSatisfy { $0.hasPrefix("notice: ") })
            }
        }
    }

    @Test func everyBackendFailingItsCheckGives503WithoutForwarding() async throws {
        try await withWorker { first in
            try await withWorker { second in
                // The worker's /status/500 fails the check on both. connect-timeout bounds how long the request
                // waits for a backend to come back (and a check's time): 3 s, as the interval, so a slow answer is
                // still an answer.
                let config = Self.config(
                    ports: [first.port, second.port], path: "/status/500", extra: "proxy-core.connect-timeout = 3")
                let log = CapturedLog()
                try await TestSluice.with(config: config, errorLog: log.logger) { sluice in
                    let bothDown = try await eventually(within: .seconds(30)) {
                        log.messages(containing: "is down: health check GET /status/500 answered 500").count == 2
                    }
                    #expect(bothDown, "log: \(log.messages)")
                    let response = try await TestHTTPClient.request(
                        TestHTTPRequest("/echo"), port: sluice.port, timeout: .seconds(60))
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.header("Retry-After") != nil)
                }
            }
        }
    }
}
