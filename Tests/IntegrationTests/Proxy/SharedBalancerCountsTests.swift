import Testing

/// The balancer's in-flight counts are shared by every event loop (issue 5): Sluice on two loops, backends that
/// hold every request until the test answers (so every request of a burst is still in flight when the next one
/// is placed), and a burst from separate client connections, which the server spreads over both loops.
///
/// If each loop counted on its own, the loops would place their requests without seeing each other's: with four
/// backends and a burst of four, each loop (two requests) would send both to the same two backends, leaving the
/// other two idle; with shared counts every backend gets exactly one.
@Suite(.serialized) struct SharedBalancerCountsTests {
    static let backendCount = 4

    static func config(ports: [Int], balancer: String) -> String {
        let backends = ports.map { "\"127.0.0.1:\($0)\"" }.joined(separator: ", ")
        return """
            server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
            $HTTP["url"] =^ "/" {
              proxy-core.balancer = "\(balancer)"
              proxy-core.backends = ( \(backends) )
            }
            """
    }

    /// What backend `index` answers with: `hello from backend-INDEX`.
    static func reply(_ index: Int) -> [UInt8] {
        let body = "hello from backend-\(index)\n"
        return Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8)
    }

    /// Sends `count` requests for `/`, each on its own connection, and counts the answers by body. Request i
    /// goes out only once the backends hold the i before it, so every pick sees all earlier requests in
    /// flight (whichever loop placed them) and no two loops ever decide at the same instant; nothing depends
    /// on timing. Once all are held, each backend answers what it holds.
    static func burst(_ count: Int, port: Int, backends: [ScriptedUpstream]) async throws -> [String: Int] {
        func held() -> Int { backends.reduce(0) { $0 + $1.waiting } }
        return try await withThrowingTaskGroup(of: String.self) { group in
            var placed = true
            for index in 0..<count {
                // The bound only stops a hang.
                placed = try await eventually(within: .seconds(30)) { held() >= index }
                guard placed else { break }
                group.addTask {
                    let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: port, timeout: .seconds(60))
                    return response.status == .ok ? response.bodyString : "status \(response.status.code)"
                }
            }
            if placed { placed = try await eventually(within: .seconds(30)) { held() >= count } }
            let holding = backends.map(\.waiting)
            for (index, backend) in backends.enumerated() { backend.answerWaiting(with: Self.reply(index)) }
            #expect(placed, "requests held by the backends: \(holding)")
            var answers: [String: Int] = [:]
            for try await body in group { answers[body, default: 0] += 1 }
            return answers
        }
    }

    @Test func sqfGivesEveryBackendItsShareAcrossBothLoops() async throws {
        try await withHeldUpstreams(Self.backendCount) { backends in
            let config = Self.config(ports: backends.map(\.port), balancer: "sqf")
            let names = (0..<Self.backendCount).map { "hello from backend-\($0)\n" }
            // A fresh server for each burst: no count left over from the one before.
            try await TestSluice.with(config: config, threads: 2) { sluice in
                let four = try await Self.burst(4, port: sluice.port, backends: backends)
                #expect(four == Dictionary(uniqueKeysWithValues: names.map { ($0, 1) }))
            }
            try await TestSluice.with(config: config, threads: 2) { sluice in
                let eight = try await Self.burst(8, port: sluice.port, backends: backends)
                #expect(eight == Dictionary(uniqueKeysWithValues: names.map { ($0, 2) }))
            }
        }
    }

    @Test func p2cNeverPilesMoreThanHalfOfABurstOntoOneBackend() async throws {
        try await withHeldUpstreams(Self.backendCount) { backends in
            let config = Self.config(ports: backends.map(\.port), balancer: "p2c")
            try await TestSluice.with(config: config, threads: 2) { sluice in
                let answers = try await Self.burst(8, port: sluice.port, backends: backends)
                let names = Set((0..<Self.backendCount).map { "hello from backend-\($0)\n" })
                #expect(Set(answers.keys).isSubset(of: names), "answers: \(answers)")
                #expect(answers.values.reduce(0, +) == 8)
                // A backend gets its fifth request only if the other draw already had four: impossible in a
                // burst of eight when the counts are shared.
                #expect(answers.values.allSatisfy { $0 <= 4 }, "answers: \(answers)")
            }
        }
    }
}

/// Runs `body` with `count` scripted backends that hold every request until the test answers it (and then
/// close), and stops them all afterwards, whether `body` returns or throws.
func withHeldUpstreams<Result>(
    _ count: Int, _ body: ([ScriptedUpstream]) async throws -> Result
) async throws -> Result {
    var upstreams: [ScriptedUpstream] = []
    func stopAll() async {
        for upstream in upstreams { await upstream.stop() }
    }
    do {
        for _ in 0..<count { upstreams.append(try await ScriptedUpstream.start(reply: nil)) }
        let result = try await body(upstreams)
        await stopAll()
        return result
    } catch {
        await stopAll()
        throw error
    }
}

/// Runs `body` with `count` started workers and stops them all afterwards, whether `body` returns or throws.
func withWorkers<Result>(
    _ count: Int, _ arguments: [String] = [], _ body: ([WorkerProcess]) async throws -> Result
) async throws -> Result {
    var workers: [WorkerProcess] = []
    func stopAll() async {
        await withTaskGroup(of: Void.self) { group in
            for worker in workers { group.addTask { await worker.stop() } }
        }
    }
    do {
        for _ in 0..<count { workers.append(try await WorkerProcess.start(arguments)) }
        let result = try await body(workers)
        await stopAll()
        return result
    } catch {
        await stopAll()
        throw error
    }
}
