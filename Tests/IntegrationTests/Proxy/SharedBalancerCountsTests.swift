import Testing

/// The balancer's in-flight counts are shared by every event loop (issue 5): Sluice on two loops, slow
/// workers (300 ms per answer, so every request of a burst is still in flight when the last one is placed),
/// and a burst from separate client connections, which the server spreads over both loops.
///
/// If each loop counted on its own, the loops would place their requests without seeing each other's: with four
/// backends and a burst of four, each loop (two requests) would send both to the same two backends, leaving the
/// other two idle; with shared counts every backend gets exactly one.
@Suite(.serialized) struct SharedBalancerCountsTests {
    static let workerCount = 4

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

    /// Sends `count` requests for `/`, each on its own connection, and counts the answers by worker name
    /// (`hello from NAME`). The connections open together; the requests then go out 10 ms apart, so two loops
    /// never decide at the same instant (a pick and its count are two atomic steps, not one), while the whole
    /// burst (70 ms for eight) stays far inside the 300 ms each answer takes.
    static func burst(_ count: Int, port: Int) async throws -> [String: Int] {
        try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await TestHTTPClient.withConnection(port: port) { connection in
                        try await Task.sleep(for: .milliseconds(10 * index))
                        let response = try await connection.request(TestHTTPRequest("/"))
                        return response.status == .ok ? response.bodyString : "status \(response.status.code)"
                    }
                }
            }
            var answers: [String: Int] = [:]
            for try await body in group { answers[body, default: 0] += 1 }
            return answers
        }
    }

    @Test func sqfGivesEveryBackendItsShareAcrossBothLoops() async throws {
        try await withWorkers(Self.workerCount, ["--delay-ms", "300"]) { workers in
            let config = Self.config(ports: workers.map(\.port), balancer: "sqf")
            try await TestSluice.with(config: config, threads: 2) { sluice in
                let names = workers.map { "hello from \($0.name)\n" }
                let four = try await Self.burst(4, port: sluice.port)
                #expect(four == Dictionary(uniqueKeysWithValues: names.map { ($0, 1) }))
                let eight = try await Self.burst(8, port: sluice.port)
                #expect(eight == Dictionary(uniqueKeysWithValues: names.map { ($0, 2) }))
            }
        }
    }

    @Test func p2cNeverPilesMoreThanHalfOfABurstOntoOneBackend() async throws {
        try await withWorkers(Self.workerCount, ["--delay-ms", "300"]) { workers in
            let config = Self.config(ports: workers.map(\.port), balancer: "p2c")
            try await TestSluice.with(config: config, threads: 2) { sluice in
                let answers = try await Self.burst(8, port: sluice.port)
                let names = Set(workers.map { "hello from \($0.name)\n" })
                #expect(Set(answers.keys).isSubset(of: names), "answers: \(answers)")
                #expect(answers.values.reduce(0, +) == 8)
                // A backend gets its fifth request only if the other draw already had four: impossible in a
                // burst of eight when the counts are shared.
                #expect(answers.values.allSatisfy { $0 <= 4 }, "answers: \(answers)")
            }
        }
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
