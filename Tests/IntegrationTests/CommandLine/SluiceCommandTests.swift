import Foundation
import Glibc
import Testing

/// The `sluice` binary itself: exit codes of SPEC §1, and a graceful stop that lets a request finish.
@Suite struct SluiceCommandTests {
    var sluice: String { get throws { try TestBinaries.path(of: "sluice") } }

    @Test func checkPrintsSyntaxOKForTheCanonicalConfig() async throws {
        let result = try await ChildProcess.run(
            try sluice, arguments: ["-t", "-f", TestBinaries.packageRoot + "/etc/sluice.conf"])
        #expect(result.status == 0)
        #expect(result.standardOutput == "Syntax OK\n")
    }

    @Test func checkReportsEveryErrorAndExits1() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("bad.conf", "server.prot = 80\nserver.port = \"x\"\n")
        let result = try await ChildProcess.run(try sluice, arguments: ["-t", "-f", file])
        #expect(result.status == 1)
        #expect(result.standardError.contains("\(file):1:1: error: unknown config key 'server.prot'; did you mean 'server.port'?"))
        #expect(result.standardError.contains("\(file):2:15: error: 'server.port' expects an integer, not a string"))
    }

    @Test func aConfigThatCannotBeOpenedIsLocatedToo() async throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path + "/missing.conf"
        let result = try await ChildProcess.run(try sluice, arguments: ["-t", "-f", missing])
        #expect(result.status == 1)
        #expect(result.standardError.contains("\(missing):1:1: error: cannot open \"\(missing)\": No such file or directory"))
    }

    /// `explain` takes the request as arriving on the main socket, so a `$SERVER["socket"]` block naming it applies,
    /// as in the server.
    @Test func explainAppliesTheMainSocketsBlock() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("s.conf", """
            server.port = 8080
            server.modules = ( "mod_redirect" )
            $SERVER["socket"] == ":8080" { url.redirect = ( "^/old$" => "/new" ) }
            """)
        let result = try await ChildProcess.run(try sluice, arguments: ["explain", "-f", file, "/old"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("$SERVER[\"socket\"] == \":8080\"  true"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("redirect"), "\(result.standardOutput)")
    }

    @Test func usageErrorsExit2AndVersionExits0() async throws {
        #expect(try await ChildProcess.run(try sluice, arguments: ["--no-such-flag"]).status == 2)
        #expect(try await ChildProcess.run(try sluice, arguments: ["explain"]).status == 2)
        let version = try await ChildProcess.run(try sluice, arguments: ["-v"])
        #expect(version.status == 0 && version.standardOutput.hasPrefix("sluice "))
    }

    @Test func printShowsTheResolvedConfig() async throws {
        let result = try await ChildProcess.run(
            try sluice, arguments: ["-p", "-f", TestBinaries.packageRoot + "/etc/sluice.conf"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("server.document-root = \"\(FileManager.default.currentDirectoryPath)/etc/htdocs\""))
        #expect(result.standardOutput.contains("$HTTP[\"url\"] =^ \"/proxy\" {"))
    }

    @Test func sigintStopsAServingProcessWithExit0() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("root/page.txt", "up")
        let port = try #require(FreePorts.base(forConsecutive: 1)) + 1
        let config = try directory.write(
            "s.conf", "server.port = \(port)\nserver.bind = \"127.0.0.1\"\nserver.document-root = \"\(directory.path)/root\"\n")
        let process = try ChildProcess(try sluice, arguments: ["-f", config])
        defer { _ = process.terminate(grace: .seconds(2)) }
        // A child may take seconds to start on a loaded machine: the bound only stops a hang.
        let answered = try await eventually(within: .seconds(30)) {
            (try? await TestHTTPClient.request(TestHTTPRequest("/page.txt"), port: port).bodyString) == "up"
        }
        #expect(answered)
        process.send(SIGINT)
        #expect(await process.waitForExit(timeout: .seconds(30)) == 0)
        let log = try process.readAllOutput(timeout: .seconds(5)).standardError
        #expect(log.contains("SIGINT"), "\(log)")
    }

    /// The backend holds the request until the test releases it, so the order is certain without timing: the
    /// request is in flight, SIGTERM arrives, sluice stops listening, and only then does the answer come. The
    /// graceful-shutdown timeout and the client's deadline are far longer than a loaded machine needs; every
    /// wait is a poll for an event, its bound (30 s) only stops a hang.
    @Test func sigtermLetsAnInFlightRequestFinishThenExits0() async throws {
        let upstream = try await ScriptedUpstream.start(reply: nil)
        defer { Task { await upstream.stop() } }
        let directory = try TemporaryDirectory()
        let port = try #require(FreePorts.base(forConsecutive: 1)) + 1
        let config = try directory.write("s.conf", """
            server.port = \(port)
            server.bind = "127.0.0.1"
            server.graceful-shutdown-timeout = 60
            server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
            $HTTP["url"] =^ "/" { proxy-core.backends = ( "127.0.0.1:\(upstream.port)" ) }
            """)
        let process = try ChildProcess(try sluice, arguments: ["-f", config])
        defer { _ = process.terminate(grace: .seconds(2)) }
        // Listening: a connection is no longer refused (binding the port to test it could race sluice's own bind).
        #expect(try await eventually(within: .seconds(30), every: .milliseconds(10)) { !FreePorts.refusesConnections(port) })
        async let response = TestHTTPClient.request(TestHTTPRequest("/"), port: port, timeout: .seconds(120))
        #expect(try await eventually(within: .seconds(30), every: .milliseconds(10)) { upstream.waiting == 1 })
        process.send(SIGTERM)
        #expect(try await eventually(within: .seconds(30), every: .milliseconds(10)) { FreePorts.refusesConnections(port) })
        upstream.answerWaiting(with: Array("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nfinished".utf8))
        let answered = try await response
        #expect(answered.status == .ok && answered.bodyString == "finished")
        #expect(await process.waitForExit(timeout: .seconds(30)) == 0)
    }

    @Test func sighupReloadsAGoodConfigAndKeepsTheOldOneOverABadOne() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("one/page.txt", "first")
        try directory.write("two/page.txt", "second")
        let port = try #require(FreePorts.base(forConsecutive: 1)) + 1
        // The error log goes to a file, so the test can wait for a reload's outcome before going on.
        let errors = directory.path + "/error.log"
        let head = "server.port = \(port)\nserver.bind = \"127.0.0.1\"\nserver.errorlog = \"\(errors)\"\n"
        let config = try directory.write("s.conf", head + "server.document-root = \"\(directory.path)/one\"\n")
        let process = try ChildProcess(try sluice, arguments: ["-f", config])
        defer { _ = process.terminate(grace: .seconds(2)) }
        func page() async throws -> String {
            try await TestHTTPClient.request(TestHTTPRequest("/page.txt"), port: port).bodyString
        }
        func log() -> String { (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "" }
        /// Polls until the page reads `expected`; the bound only stops a hang (a child may be slow to start).
        func pageBecomes(_ expected: String) async throws -> Bool {
            try await eventually(within: .seconds(30)) { (try? await page()) == expected }
        }
        #expect(try await pageBecomes("first"))
        try directory.write("s.conf", head + "server.document-root = \"\(directory.path)/two\"\n")
        process.send(SIGHUP)
        #expect(try await pageBecomes("second"))
        try directory.write("s.conf", head + "server.document-rot = \"\(directory.path)/one\"\n")
        process.send(SIGHUP)
        // The broken config is refused (waited for in the log, so the stop below cannot overtake the reload) and
        // the running one keeps serving; the error log says so, located.
        let refused = try await eventually(within: .seconds(30)) {
            log().contains("reload failed; the running configuration stays in effect")
        }
        #expect(refused, "\(log())")
        #expect(try await page() == "second")
        #expect(await process.terminate(grace: .seconds(30)) == 0)
        let text = log()
        #expect(text.contains("\(config):4:1: error: unknown config key 'server.document-rot'"), "\(text)")
        #expect(text.contains("reload failed; the running configuration stays in effect"))
        #expect(text.contains("configuration reloaded"))
    }

    /// What is fixed at start (here `server.busy-poll`) is compared with the config the process started with:
    /// every reload that differs from it warns, and one that goes back to it does not.
    @Test func reloadWarnsWhileAStartOnlySettingDiffersFromTheStart() async throws {
        let directory = try TemporaryDirectory()
        for name in ["a", "b", "c"] { try directory.write("\(name)/page.txt", name) }
        let port = try #require(FreePorts.base(forConsecutive: 1)) + 1
        func write(busyPoll: Int, root: String) throws -> String {
            try directory.write(
                "s.conf",
                "server.port = \(port)\nserver.bind = \"127.0.0.1\"\nserver.busy-poll = \(busyPoll)\n"
                    + "server.document-root = \"\(directory.path)/\(root)\"\n")
        }
        let config = try write(busyPoll: 20, root: "a")
        let process = try ChildProcess(try sluice, arguments: ["-f", config])
        defer { _ = process.terminate(grace: .seconds(2)) }
        /// Polls until the page reads `expected`; the bound only stops a hang (a child may be slow to start).
        func pageBecomes(_ expected: String) async throws -> Bool {
            try await eventually(within: .seconds(30)) {
                (try? await TestHTTPClient.request(TestHTTPRequest("/page.txt"), port: port).bodyString) == expected
            }
        }
        #expect(try await pageBecomes("a"))
        // Warned: three reloads without busy polling. Not warned: back to the start's 20.
        for (busyPoll, root) in [(0, "b"), (0, "c"), (0, "a"), (20, "b")] {
            _ = try write(busyPoll: busyPoll, root: root)
            process.send(SIGHUP)
            #expect(try await pageBecomes(root))
        }
        #expect(await process.terminate(grace: .seconds(30)) == 0)
        let log = try process.readAllOutput(timeout: .seconds(30)).standardError
        let warning = "sluice: server.busy-poll changed; restart sluice for it to take effect"
        #expect(log.components(separatedBy: warning).count - 1 == 3, "\(log)")
        #expect(!log.contains("epoll descriptors"), "\(log)")
    }
}
