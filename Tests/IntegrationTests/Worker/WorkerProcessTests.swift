import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `sluice-worker` as a process: startup line, signals, errors.
@Suite struct WorkerProcessTests {
    @Test func startupLineIsParsed() {
        let parsed = WorkerProcess.parseStartupLine("sluice-worker worker-3001 listening on 127.0.0.1:3001")
        #expect(parsed?.name == "worker-3001")
        #expect(parsed?.host == "127.0.0.1")
        #expect(parsed?.port == 3001)
        let v6 = WorkerProcess.parseStartupLine("sluice-worker a b listening on [::1]:80")
        #expect(v6?.name == "a b")
        #expect(v6?.host == "::1")
        #expect(WorkerProcess.parseStartupLine("something else") == nil)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func signalsStopTheWorkerGracefully(signal: Int32) async throws {
        try await withWorker { worker in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: worker.port)
            #expect(response.status == .ok)
            worker.process.send(signal)
            #expect(await worker.process.waitForExit(timeout: .seconds(10)) == 0)
        }
    }

    @Test func aTakenPortIsAClearErrorWithStatusOne() async throws {
        try await withWorker { worker in
            let second = try await ChildProcess.run(
                try TestBinaries.path(of: "sluice-worker"),
                arguments: ["--port", String(worker.port)],
                timeout: .seconds(20)
            )
            #expect(second.status == 1)
            #expect(second.standardOutput.isEmpty)
            #expect(second.standardError.contains("cannot listen on 127.0.0.1:\(worker.port)"))
            #expect(second.standardError.contains("already in use"))
        }
    }

    @Test(arguments: [["--port", "70000"], ["--delay-ms", "-1"], ["--threads", "0"], ["--bogus"]])
    func badArgumentsAreRejected(arguments: [String]) async throws {
        let executable = try TestBinaries.path(of: "sluice-worker")
        let result = try await ChildProcess.run(executable, arguments: arguments, timeout: .seconds(20))
        #expect(result.status != 0)
        #expect(!result.standardError.isEmpty)
    }
}
