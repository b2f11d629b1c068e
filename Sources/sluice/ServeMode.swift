import Dispatch
import Glibc
import LighttpdConfig
import Logging
import NIOCore
import SluiceCore
import SluiceServer

/// `sluice -f FILE`: serve in the foreground until SIGINT or SIGTERM (graceful: stop accepting, let
/// in-flight requests finish for `server.graceful-shutdown-timeout` seconds, exit 0). SIGHUP reloads the
/// config (a bad one is reported and the old one stays); SIGUSR1 reopens the log files.
enum ServeMode {
    static func run(source: ConfigSource, checked: SiteLoader.Result) async -> Int32 {
        let server = checked.site.server
        let handler: ErrorLogHandler
        do {
            handler = try server.errorLog.map { path throws(ErrorLogHandler.OpenError) in try ErrorLogHandler.file(path) }
                ?? .standardError()
        } catch {
            SluiceCommandLine.writeError("sluice: \(error)")
            return 1
        }
        let logger = Logger(label: "sluice") { _ in handler }
        let sluice = SluiceServer(
            threads: server.maxWorker, maxConnections: server.maxConnections,
            busyPoll: .microseconds(Int64(server.busyPoll)))
        do {
            sluice.install(
                try SiteRuntime(
                    site: checked.site, errorLog: logger, eventLoops: sluice.group, busyPoller: sluice.busyPoller))
        } catch {
            SluiceCommandLine.writeError("sluice: \(error)")
            try? await sluice.group.shutdownGracefully()
            return 1
        }
        // Watched before the pid file is written and the sockets open: a signal sent as soon as either appears is
        // handled, not fatal.
        let signals = SignalWatcher(
            reload: { reload(server: sluice, started: checked.site, source: source, logger: logger) },
            reopenLogs: {
                handler.reopen()
                sluice.runtimes.current.reopenLogs()
                logger.info("sluice: log files reopened")
            })
        if let pidFile = server.pidFile { writePIDFile(pidFile, logger: logger) }
        do {
            let addresses = try await sluice.start()
            let shown = addresses.map(ServeMode.describe).joined(separator: ", ")
            logger.info("sluice \(SluiceVersion.string) listening on \(shown) (\(source.displayName))")
        } catch {
            logger.error("\(error)")
            try? await sluice.group.shutdownGracefully()
            return 1
        }
        let stop = await signals.waitForStop()
        logger.info("sluice: \(stop), finishing in-flight requests (up to \(server.gracefulShutdownTimeout) s)")
        await sluice.shutdown(timeout: .seconds(Int64(server.gracefulShutdownTimeout)))
        if let pidFile = server.pidFile { unlink(pidFile) }
        logger.info("sluice: stopped")
        return 0
    }

    /// SIGHUP: load the config again; keep the running one if the new one has errors. What is fixed at start
    /// (listening sockets, event loops, busy polling) is compared with the config the process started with.
    private static func reload(server: SluiceServer, started: Site, source: ConfigSource, logger: Logger) {
        let checked = SiteLoader.compile(source.load())
        guard checked.isValid else {
            for diagnostic in checked.diagnostics.sorted { logger.error("\(diagnostic)") }
            logger.error("sluice: reload failed; the running configuration stays in effect")
            return
        }
        // Addresses and TLS, not where the blocks are written (a comment added above them changes nothing).
        // Host certificates by their conditions and files, not their block numbers.
        func sockets(_ site: Site) -> [String] {
            site.config.listeners.map { listener in
                var tls = listener.tls
                let hosts = tls?.hostCertificates.map { host in
                    var host = host
                    host.block = 0
                    return host
                }
                tls?.hostCertificates = hosts ?? []
                return "\(listener.address) \(String(describing: tls))"
            }
        }
        if sockets(checked.site) != sockets(started) {
            logger.warning("sluice: listening sockets changed; restart sluice for that part to take effect")
        }
        let running = started.server, loaded = checked.site.server
        let fixedAtStart: [(String, Bool)] = [
            ("server.max-worker", loaded.maxWorker != running.maxWorker),
            ("server.busy-poll", loaded.busyPoll != running.busyPoll),
            ("server.max-connections", loaded.maxConnections != running.maxConnections),
            ("server.errorlog", loaded.errorLog != running.errorLog),
            ("server.pid-file", loaded.pidFile != running.pidFile),
            ("server.graceful-shutdown-timeout", loaded.gracefulShutdownTimeout != running.gracefulShutdownTimeout),
            ("server.use-ipv6", loaded.useIPv6 != running.useIPv6),
        ]
        let changed = fixedAtStart.filter(\.1).map(\.0)
        if !changed.isEmpty {
            logger.warning(
                "sluice: \(changed.joined(separator: ", ")) changed; restart sluice for \(changed.count == 1 ? "it" : "them") to take effect")
        }
        do {
            server.install(
                try SiteRuntime(
                    site: checked.site, errorLog: logger, eventLoops: server.group, busyPoller: server.busyPoller))
            logger.info("sluice: configuration reloaded; new connections use it")
        } catch {
            logger.error("sluice: reload failed: \(error)")
        }
    }

    static func describe(_ address: SocketAddress) -> String {
        if let path = address.pathname { return "unix:\(path)" }
        let ip = address.ipAddress ?? "?"
        return ip.contains(":") ? "[\(ip)]:\(address.port ?? 0)" : "\(ip):\(address.port ?? 0)"
    }

    private static func writePIDFile(_ path: String, logger: Logger) {
        let text = "\(getpid())\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            logger.error("cannot write server.pid-file \"\(path)\"")
            return
        }
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }
}

/// SIGHUP and SIGUSR1 handled as they come, until SIGINT or SIGTERM: that one is kept for `waitForStop`, whether
/// it came before the wait began or during it.
private final class SignalWatcher: @unchecked Sendable {
    // Everything below is touched on `queue` only.
    private let queue = DispatchQueue(label: "sluice.signals")
    private var sources: [DispatchSourceSignal] = []
    private var stopSignal: String?
    private var waiting: CheckedContinuation<String, Never>?

    init(reload: @escaping @Sendable () -> Void, reopenLogs: @escaping @Sendable () -> Void) {
        queue.sync {
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP"), (SIGUSR1, "SIGUSR1")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { [weak self] in
                    switch number {
                    case SIGHUP: reload()
                    case SIGUSR1: reopenLogs()
                    default: self?.stop(name)
                    }
                }
                source.resume()
                sources.append(source)
            }
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }

    /// The name of the stopping signal, once one has arrived.
    func waitForStop() async -> String {
        await withCheckedContinuation { continuation in
            queue.async {
                if let name = self.stopSignal {
                    continuation.resume(returning: name)
                } else {
                    self.waiting = continuation
                }
            }
        }
    }

    private func stop(_ name: String) {
        guard stopSignal == nil else { return }
        stopSignal = name
        for source in sources { source.cancel() }
        sources = []
        waiting?.resume(returning: name)
        waiting = nil
    }
}
