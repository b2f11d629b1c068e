import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `scripts/workers` (SPEC §8): start, status and stop real workers, in a private state directory so a
/// developer's own tmp/pid is never touched.
@Suite struct WorkersScriptTests {
    private let script = TestBinaries.packageRoot + "/scripts/workers"

    private func run(_ arguments: [String], in directory: String) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run(
            self.script,
            arguments: arguments,
            environment: [
                "SLUICE_WORKERS_DIR": directory,
                "SLUICE_WORKER": try TestBinaries.path(of: "sluice-worker"),
            ],
            // Only stops a hang: `start` may wait up to `--wait` seconds for each worker.
            timeout: .seconds(180)
        )
        return (result.status, result.standardOutput + result.standardError)
    }

    private func pids(in directory: String) throws -> [pid_t] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/pid").sorted()
        return try files.filter { $0.hasSuffix(".pid") }.map { file in
            let text = try String(contentsOfFile: directory + "/pid/" + file, encoding: .utf8)
            return try #require(pid_t(text.split(separator: "\n").first ?? ""))
        }
    }

    /// Whether `pid` still runs. A zombie counts as gone: the workers outlive the script that started them,
    /// so they are re-parented to init, which in some containers never reaps them.
    private static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    /// Runs `body` with a fresh state directory; afterwards stops whatever it recorded and removes it.
    private func withStateDirectory(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-workers-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/pid", withIntermediateDirectories: true)
        do {
            try await body(directory)
        } catch {
            _ = try? await self.run(["stop"], in: directory)
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        _ = try? await self.run(["stop"], in: directory)
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test func startStatusStopTwoWorkers() async throws {
        let base = try #require(FreePorts.base(forConsecutive: 2), "no two free consecutive ports found")
        try await self.withStateDirectory { directory in
            // `--wait 60`: a worker may take seconds to start on a loaded machine (the default gives it 5).
            let start = try await self.run(["start", "-n", "2", "--base-port", String(base), "--wait", "60"], in: directory)
            #expect(start.status == 0, "\(start.output)")
            let pids = try self.pids(in: directory)
            #expect(pids.count == 2)
            #expect(FileManager.default.fileExists(atPath: directory + "/log/1.log"))
            #expect(FileManager.default.fileExists(atPath: directory + "/log/2_errors.log"))

            // `start` returns once both accept connections.
            for port in [base + 1, base + 2] {
                let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: port)
                #expect(response.bodyString == "hello from worker-\(port)\n")
            }

            let status = try await self.run(["status"], in: directory)
            #expect(status.status == 0, "\(status.output)")
            let lines = status.output.split(separator: "\n")
            #expect(lines.count == 2)
            for (index, pid) in pids.enumerated() {
                let line = lines.first { $0.contains("pid \(pid) ") }
                #expect(line?.contains("port \(base + index + 1)") == true, "\(status.output)")
                #expect(line?.hasSuffix("alive") == true, "\(status.output)")
            }

            // Starting again leaves the running ones alone.
            let again = try await self.run(["start", "-n", "2", "--base-port", String(base), "--wait", "60"], in: directory)
            #expect(again.status == 0)
            #expect(again.output.contains("already running"))
            #expect(try self.pids(in: directory) == pids)

            let stop = try await self.run(["stop"], in: directory)
            #expect(stop.status == 0, "\(stop.output)")
            for pid in pids {
                #expect(!Self.isRunning(pid), "worker pid \(pid) is still running after stop")
            }
            #expect(try self.pids(in: directory).isEmpty)
            for port in [base + 1, base + 2] {
                await #expect(throws: (any Error).self, "port \(port) still accepts after stop") {
                    _ = try await TestHTTPClient.request(TestHTTPRequest("/"), port: port, timeout: .seconds(5))
                }
            }

            let after = try await self.run(["status"], in: directory)
            #expect(after.status == 3)
        }
    }

    @Test func stalePidFilesAreNeverTrustedBlindly() async throws {
        try await self.withStateDirectory { directory in
            // A pid file naming a live process that is not the worker it claims to be...
            let bystander = try ChildProcess("/bin/sleep", arguments: ["3600"])
            defer { bystander.terminate(grace: .seconds(1)) }
            try "\(bystander.pid)\n3001\n\nsluice-worker\n--port\n3001\n"
                .write(toFile: directory + "/pid/1.pid", atomically: false, encoding: .utf8)
            // ...and one naming a pid that does not run at all.
            let gone = try ChildProcess("/bin/true")
            #expect(await gone.waitForExit(timeout: .seconds(10)) == 0)
            try "\(gone.pid)\n3002\n\nsluice-worker\n--port\n3002\n"
                .write(toFile: directory + "/pid/2.pid", atomically: false, encoding: .utf8)

            let status = try await self.run(["status"], in: directory)
            #expect(status.status == 1)
            #expect(status.output.contains("pid reused by another program"), "\(status.output)")
            #expect(status.output.contains("port 3002  pid \(gone.pid)") && status.output.contains("dead"))

            let stop = try await self.run(["stop"], in: directory)
            #expect(stop.status == 0, "\(stop.output)")
            #expect(Self.isRunning(bystander.pid), "stop signalled a process it did not start")
            #expect(try self.pids(in: directory).isEmpty)
        }
    }

    @Test func helpAndUsageErrors() async throws {
        try await self.withStateDirectory { directory in
            let help = try await self.run(["--help"], in: directory)
            #expect(help.status == 0)
            #expect(help.output.contains("Usage: scripts/workers start|stop|status|restart"))
            let unknownAction = try await self.run(["launch"], in: directory)
            #expect(unknownAction.status == 2)
            let badCount = try await self.run(["start", "-n", "zero"], in: directory)
            #expect(badCount.status == 1)
        }
    }

    @Test func aWorkerThatDiesAtStartupIsReportedWithItsLog() async throws {
        let base = try #require(FreePorts.base(forConsecutive: 1))
        try await self.withStateDirectory { directory in
            let result = try await self.run(
                ["start", "-n", "1", "--base-port", String(base), "--wait", "60", "--",
                 "/bin/sh", "-c", "echo no luck on {port} >&2; exit 3"],
                in: directory
            )
            #expect(result.status == 1)
            #expect(result.output.contains("exited during startup"))
            #expect(result.output.contains("no luck on \(base + 1)"))
        }
    }
}
