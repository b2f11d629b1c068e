import Dispatch
import LighttpdConfig
import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOSSL
import SluiceCore
import Synchronization

/// The front server: binds every listening socket of the config, runs each accepted connection through
/// the HTTP/1.1 pipeline (`HTTPChannelSetup`), and shuts down gracefully.
public final class SluiceServer: Sendable {
    public let group: MultiThreadedEventLoopGroup
    private let holder: Mutex<RuntimeHolder?>
    /// Released before the loops stop: its deinit completes a promise on one of them.
    private let quiescingHelper: Mutex<ServerQuiescingHelper?>
    private let counter: ConnectionCounter
    /// `server.busy-poll`: nil when the loops sleep as soon as they are idle (the default).
    public let busyPoller: BusyPoller?

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `threads`: event loops; 0 means one per core (`server.max-worker`). `maxConnections`:
    /// `server.max-connections`. `busyPoll`: how long an idle loop polls before it sleeps
    /// (`server.busy-poll`; zero: it sleeps at once). Install a runtime (built on `group`) before `start`.
    public init(threads: Int = 0, maxConnections: Int, busyPoll: TimeAmount = .zero) {
        let count = threads > 0 ? threads : System.coreCount
        if busyPoll > .zero {
            let poller = BusyPoller(window: busyPoll)
            busyPoller = poller
            group = MultiThreadedEventLoopGroup(numberOfThreads: count, metricsDelegate: poller)
        } else {
            busyPoller = nil
            group = MultiThreadedEventLoopGroup(numberOfThreads: count)
        }
        holder = Mutex(nil)
        quiescingHelper = Mutex(ServerQuiescingHelper(group: group))
        counter = ConnectionCounter(limit: maxConnections)
    }

    /// The runtime new connections use; installing another one (reload) leaves open connections on theirs.
    public var runtimes: RuntimeHolder {
        guard let holder = holder.withLock({ $0 }) else { preconditionFailure("SluiceServer: install a runtime before use") }
        return holder
    }

    /// Makes `runtime` the one new connections use and starts its health checks; a runtime it replaces stops
    /// its checks and closes its idle upstream connections.
    public func install(_ runtime: SiteRuntime) {
        let previous: SiteRuntime? = holder.withLock { holder in
            if let existing = holder {
                let old = existing.current
                existing.replace(with: runtime)
                return old
            }
            holder = RuntimeHolder(runtime)
            return nil
        }
        runtime.startBackgroundTasks()
        previous?.shutdownUpstreams()
    }

    /// Binds every listener; returns the bound addresses (port 0 in a config gives an ephemeral port).
    public func start() async throws -> [SocketAddress] {
        let runtime = runtimes.current
        if let busyPoller, !busyPoller.isAttached {
            // A latency option the platform cannot give (no epoll, a restricted /proc) does not stop the server.
            do {
                try await busyPoller.attach(to: group)
            } catch {
                runtime.errorLog.warning(
                    "server.busy-poll: cannot find the event loops' epoll descriptors (\(error)); they sleep as usual")
            }
        }
        var bound: [SocketAddress] = []
        // (listener, the address to bind): the config's own, and for server.use-ipv6 with no server.bind the main
        // listener again on every IPv6 address (its settings and socket blocks are the main socket's).
        var binds = runtime.site.config.listeners.map { ($0, $0.address) }
        if runtime.server.useIPv6, let main = binds.first?.0, case .inet("", let port) = main.address,
            !binds.contains(where: { $0.1 == .inet(host: "::", port: port) })
        {
            binds.insert((main, .inet(host: "::", port: port)), at: 1)
        }
        for (listener, address) in binds {
            let tls = try listener.tls.map { try TLSContextFactory.make($0, listener: listener, site: runtime.site) }
            let channel = try await bind(listener, at: address, tls: tls)
            if let address = channel.localAddress { bound.append(address) }
        }
        return bound
    }

    private func bind(_ listener: ListenerSettings, at address: ListenAddress, tls: NIOSSLContext?) async throws -> Channel {
        guard let quiescing = quiescingHelper.withLock({ $0 }) else { throw StartError(description: "the server is shut down") }
        let counter = self.counter, runtimes = self.runtimes
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                    try channel.pipeline.syncOperations.addHandler(AcceptCountingHandler(counter: counter))
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try HTTPChannelSetup.configure(channel, runtime: runtimes.current, listener: listener, tls: tls)
                }
            }
        if case .inet(let host, _) = address, host.contains(":") {
            // IPv6 only, as lighttpd does: a dual-stack [::]:P would clash with 0.0.0.0:P (EADDRINUSE), and an
            // IPv4 listener of its own is what the config says.
            bootstrap = bootstrap.serverChannelOption(
                ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
        }
        do {
            switch address {
            case .inet(let host, let port):
                return try await bootstrap.bind(host: host.isEmpty ? "0.0.0.0" : host, port: port).get()
            case .unix(let path):
                return try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
            }
        } catch {
            throw StartError(description: "cannot listen on \(address): \(error)")
        }
    }

    /// Open client connections (for the status page and tests).
    public var openConnections: Int { counter.open }

    /// Stops accepting, lets in-flight requests finish for up to `timeout`, then closes everything.
    public func shutdown(timeout: TimeAmount) async {
        let loop = group.next()
        let quiesced = loop.makePromise(of: Void.self)
        if let quiescing = quiescingHelper.withLock({ $0 }) {
            quiescing.initiateShutdown(promise: quiesced)
        } else {
            quiesced.succeed()
        }
        // Whichever comes first: every connection finished, or the timeout.
        let done = loop.makePromise(of: Void.self)
        let deadline = loop.scheduleTask(in: timeout) { done.succeed() }
        quiesced.futureResult.whenComplete { _ in
            deadline.cancel()
            done.succeed()
        }
        try? await done.futureResult.get()
        holder.withLock { $0 }?.current.shutdownUpstreams()
        quiescingHelper.withLock { $0 = nil }
        // Shut the loops down from a Dispatch queue so no continuation is left to run on a stopped loop.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            group.shutdownGracefully(queue: .global()) { _ in continuation.resume() }
        }
    }
}
