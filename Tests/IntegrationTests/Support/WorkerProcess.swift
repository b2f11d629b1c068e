import Foundation

/// A `sluice-worker` subprocess on an ephemeral port, for tests that need a real backend.
///
/// Started with `--port 0`; its port and name come from the one line it prints on startup
/// (`sluice-worker NAME listening on HOST:PORT`). Use ``withWorker(_:_:)`` so it is stopped on every path;
/// a worker that is never stopped is killed when its ``ChildProcess`` is released.
final class WorkerProcess: Sendable {
    let process: ChildProcess
    /// Host and port it listens on, from its startup line.
    let host: String
    let port: Int
    /// Its name (`--name`, default `worker-PORT`), as in its responses.
    let name: String

    /// Starts a worker with extra `arguments` (e.g. `["--delay-ms", "50"]`; `--port 0` is added) and waits
    /// for its startup line, on a thread of its own.
    static func start(_ arguments: [String] = [], startupTimeout: Duration = .seconds(10)) async throws -> WorkerProcess {
        try await offloadBlocking { try WorkerProcess(arguments: arguments, startupTimeout: startupTimeout) }
    }

    /// Blocking form of ``start(_:startupTimeout:)``.
    init(arguments: [String] = [], startupTimeout: Duration = .seconds(10)) throws {
        let executable = try TestBinaries.path(of: "sluice-worker")
        let process = try ChildProcess(executable, arguments: ["--port", "0"] + arguments)
        guard let line = try process.readOutputLine(timeout: startupTimeout),
            let announced = Self.parseStartupLine(line)
        else {
            process.terminate(grace: .seconds(1))
            let errors = (try? process.readAllOutput(timeout: .seconds(1)).standardError) ?? ""
            throw ChildProcess.Failure(description: "sluice-worker did not announce its port; stderr: \(errors)")
        }
        self.process = process
        (self.name, self.host, self.port) = announced
    }

    /// `"127.0.0.1:PORT"`.
    var authority: String { "\(self.host):\(self.port)" }

    /// Stops it with SIGTERM (SIGKILL after `grace`); its exit status (0 after a graceful stop).
    @discardableResult
    func stop(grace: Duration = .seconds(5)) async -> Int32? {
        await self.process.terminate(grace: grace)
    }

    /// Parses `sluice-worker NAME listening on HOST:PORT` (HOST may be `[v6]`).
    static func parseStartupLine(_ line: String) -> (name: String, host: String, port: Int)? {
        let prefix = "sluice-worker "
        guard line.hasPrefix(prefix), let marker = line.range(of: " listening on ", options: .backwards),
            let colon = line[marker.upperBound...].lastIndex(of: ":"),
            let port = Int(line[line.index(after: colon)...])
        else { return nil }
        let name = String(line[line.index(line.startIndex, offsetBy: prefix.count)..<marker.lowerBound])
        var host = String(line[marker.upperBound..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        return (name, host, port)
    }
}

/// Runs `body` with a started worker and stops the worker afterwards, whether `body` returns or throws.
func withWorker<Result>(
    _ arguments: [String] = [],
    _ body: (WorkerProcess) async throws -> Result
) async throws -> Result {
    let worker = try await WorkerProcess.start(arguments)
    do {
        let result = try await body(worker)
        await worker.stop()
        return result
    } catch {
        await worker.stop()
        throw error
    }
}
