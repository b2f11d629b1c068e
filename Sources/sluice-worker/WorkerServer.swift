import Dispatch
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// Binds the listening socket, announces it, and serves until SIGINT or SIGTERM.
struct WorkerServer {
    /// The largest WebSocket frame accepted; echo tests send 1 MB messages in one frame.
    static let maximumWebSocketFrameSize = 16 << 20
    /// Pending-write marks per connection: `/bytes` writes up to `high` before waiting for the socket.
    static let writeBufferWaterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 64 << 10, high: 256 << 10)
    /// Name of the HTTP handler in the pipeline, removed when a connection upgrades to WebSocket.
    static let httpHandlerName = "sluice-worker-http"

    let options: WorkerOptions

    func run() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: self.options.threads)
        defer { try? group.syncShutdownGracefully() }

        // The catalog holds the worker's name, which with `--port 0` is only known once bound. The server
        // socket does not accept until it is set (autoRead off), then each new connection reads it once.
        let catalogSlot = CatalogSlot()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.autoRead, value: false)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: Self.writeBufferWaterMark)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let catalog = catalogSlot.catalog else {
                        throw ChannelError.ioOnClosedChannel
                    }
                    if let kind = self.options.cgiProtocol {
                        try channel.pipeline.syncOperations.addHandler(CGIServerCodec(kind: kind))
                        try channel.pipeline.syncOperations.addHandler(WorkerHTTPHandler(catalog: catalog))
                    } else {
                        try Self.configure(channel: channel, catalog: catalog)
                    }
                }
            }

        let server: Channel
        do {
            server = try bootstrap.bind(host: self.options.host, port: self.options.port).wait()
        } catch {
            throw WorkerStartupError.cannotListen(host: self.options.host, port: self.options.port, error: error)
        }
        let port = server.localAddress?.port ?? self.options.port
        let name = self.options.name ?? "worker-\(port)"
        catalogSlot.catalog = WorkerCatalog(name: name, delay: self.options.delay)
        try server.setOption(.autoRead, value: true).wait()

        let signals = SignalTrap(signals: [SIGINT, SIGTERM]) {
            server.close(promise: nil)
        }
        defer { signals.cancel() }

        let authority = server.localAddress?.hostAndPort ?? "\(self.options.host):\(port)"
        printLineAndFlush("sluice-worker \(name) listening on \(authority)")
        try server.closeFuture.wait()
    }

    /// The connection's pipeline: HTTP/1.1 with pipelining assistance, a WebSocket upgrader for `/ws`, then
    /// the worker's handler.
    ///
    /// Two per-response costs of NIO's defaults are turned off because the worker's responses do not need
    /// them: every response is framed by the handler itself (`Content-Length`, or `Transfer-Encoding:
    /// chunked` for `/sse`), so the encoder need not inspect and rewrite each head; and every header value
    /// is fixed or built from validated input (the `--name`, checked for control characters at startup, and
    /// the socket's own address), so outbound header validation would only re-scan the same bytes.
    static func configure(channel: Channel, catalog: WorkerCatalog) throws {
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: Self.maximumWebSocketFrameSize,
            automaticErrorHandling: true,
            shouldUpgrade: { channel, head in
                channel.eventLoop.makeSucceededFuture(WorkerRoute.isWebSocketTarget(head.uri) ? HTTPHeaders() : nil)
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(WebSocketEchoHandler())
                }
            }
        )
        var encoderConfiguration = HTTPResponseEncoder.Configuration()
        encoderConfiguration.automaticallySetFramingHeaders = false
        let pipeline = channel.pipeline.syncOperations
        try pipeline.configureHTTPServerPipeline(
            withServerUpgrade: (
                upgraders: [upgrader],
                completionHandler: { context in
                    context.pipeline.removeHandler(name: Self.httpHandlerName, promise: nil)
                }
            ),
            withOutboundHeaderValidation: false,
            withEncoderConfiguration: encoderConfiguration
        )
        try pipeline.addHandler(WorkerHTTPHandler(catalog: catalog), name: Self.httpHandlerName)
    }
}

/// Hands the catalog, built after `bind`, to connection initializers on every event loop.
private final class CatalogSlot: Sendable {
    private let slot = Mutex<WorkerCatalog?>(nil)

    var catalog: WorkerCatalog? {
        get { self.slot.withLock { $0 } }
        set { self.slot.withLock { $0 = newValue } }
    }
}
