import ArgumentParser

/// `sluice-worker`: the small app server behind the demo, the benchmarks and the tests (SPEC §1).
///
/// It plays the part of the Warp / Twisted instances that lighttpd fronts: one process per port,
/// started by `scripts/workers`, answering a handful of endpoints that exercise what a reverse proxy
/// must pass through (headers, bodies, streaming, upgrades, redirects, cookies, status codes).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice-worker",
        abstract: "A small HTTP/1.1 app server for Sluice's demo, benchmarks and tests.",
        discussion: """
            Endpoints: /  /echo  /sse?n=N&interval-ms=M  /ws  /redirect  /welcome  /cookie  /bytes?n=N  \
            /status/CODE. On startup one line is printed to stdout: \
            "sluice-worker NAME listening on HOST:PORT". With --protocol fastcgi or scgi the same endpoints \
            answer FastCGI or SCGI requests (no /ws); /echo then shows the CGI variables as CGI-NAME fields.
            """
    )

    @Option(help: "TCP port to listen on; 0 picks a free one.")
    var port: Int = 3001

    @Option(help: "Address to bind.")
    var bind: String = "127.0.0.1"

    @Option(name: .customLong("delay-ms"), help: "Delay every response by this many milliseconds.")
    var delayMilliseconds: Int = 0

    @Option(name: .customLong("jitter-ms"), help: "Add a uniformly random 0...N ms to the delay.")
    var jitterMilliseconds: Int = 0

    @Option(help: "Name in responses (default: worker-PORT).")
    var name: String?

    @Option(help: "Event loop threads (like server.max-worker).")
    var threads: Int = 1

    @Option(
        name: .customLong("protocol"),
        help: "http, fastcgi (a FastCGI responder, connections kept as asked) or scgi (one request per connection).")
    var backendProtocol: String = "http"

    func validate() throws {
        guard (0...65535).contains(self.port) else {
            throw ValidationError("--port must be in 0...65535, not \(self.port).")
        }
        guard self.delayMilliseconds >= 0, self.jitterMilliseconds >= 0 else {
            throw ValidationError("--delay-ms and --jitter-ms must not be negative.")
        }
        guard (1...1024).contains(self.threads) else {
            throw ValidationError("--threads must be in 1...1024, not \(self.threads).")
        }
        guard ["http", "fastcgi", "scgi"].contains(self.backendProtocol) else {
            throw ValidationError("--protocol must be http, fastcgi or scgi, not \(self.backendProtocol).")
        }
        if let name = self.name, name.isEmpty || name.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw ValidationError("--name must be non-empty and free of control characters.")
        }
    }

    func run() throws {
        let options = WorkerOptions(
            host: self.bind,
            port: self.port,
            name: self.name,
            delay: ResponseDelay(
                base: .milliseconds(Int64(self.delayMilliseconds)),
                jitter: .milliseconds(Int64(self.jitterMilliseconds))
            ),
            threads: self.threads,
            cgiProtocol: CGIServerCodec.Kind(rawValue: self.backendProtocol)
        )
        do {
            try WorkerServer(options: options).run()
        } catch let error as WorkerStartupError {
            printToStandardError("sluice-worker: \(error)")
            throw ExitCode.failure
        }
    }
}
