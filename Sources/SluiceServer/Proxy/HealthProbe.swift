import LighttpdConfig
import NIOCore
import NIOHTTP1
import NIOPosix
import SluiceCore

/// One active health check of one backend (`proxy-core.health-check`, SPEC §4): a short-lived connection of its
/// own, never one from the pool, so a check neither waits behind traffic nor takes a slot from it. It sends
/// `GET <path> HTTP/1.1` with the backend's `Host` and `Connection: close` and judges the answer: a complete 2xx
/// response passes; any other status, a connect failure, a malformed or cut-short answer, or no complete answer
/// within `timeout` fails.
enum HealthProbe {
    enum Verdict: Sendable, Equatable {
        case passed(status: Int)
        case failed(Failure)
    }

    /// Why a check failed, for the error log.
    enum Failure: Sendable, Equatable, CustomStringConvertible {
        case status(Int)
        case connectFailed(String)
        case timedOut(seconds: Int64)
        case closedBeforeAnswer
        case malformed(String)

        var description: String {
            switch self {
            case .status(let code): "answered \(code)"
            case .connectFailed(let reason): "cannot connect: \(reason)"
            case .timedOut(let seconds): "no complete answer within \(seconds) s"
            case .closedBeforeAnswer: "closed the connection before a complete answer"
            case .malformed(let reason): "malformed answer: \(reason)"
            }
        }
    }

    /// Starts the check on `loop`. `onChannel` receives the connection once it is open (so the owner can
    /// close it when it stops); `completion` runs exactly once, on `loop`.
    static func run(
        path: String, host: String, address: ResolvedBackend.Address, backendProtocol: BackendProtocol = .http,
        on loop: EventLoop, timeout: TimeAmount, onChannel: @escaping @Sendable (Channel) -> Void, completion: @escaping @Sendable (Verdict) -> Void
    ) {
        let outcome = Outcome(loop: loop, completion: completion)
        let head = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: path, headers: HTTPHeaders([("Host", host), ("Connection", "close")]))
        let deadline = loop.scheduleTask(in: timeout) {
            outcome.finish(.failed(.timedOut(seconds: max(1, timeout.nanoseconds / 1_000_000_000))))
        }
        outcome.onFinish = { deadline.cancel() }
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if backendProtocol == .http {
                        try pipeline.addHTTPClientHandlers()
                    } else {
                        // The app's answer translated to HTTP for NIO's decoder, which learns the method from
                        // the request parts passing it; those go out as the app's protocol.
                        try pipeline.addHandler(BackendProtocolDecoder(backendProtocol, backendName: host, errorLog: nil))
                        try pipeline.addHandler(
                            CGIProbeRequestEncoder(
                                request: cgiRequest(path: path, host: host, backendProtocol: backendProtocol,
                                allocator: channel.allocator)))
                        try pipeline.addHandler(ByteToMessageHandler(HTTPResponseDecoder()))
                    }
                    try pipeline.addHandler(ProbeHandler(request: head, outcome: outcome))
                }
            }
        let connected: EventLoopFuture<Channel>
        switch address {
        case .ip(let ip, let port):
            connected = bootstrap.connect(host: ip.description, port: port)
        case .unix(let path):
            connected = bootstrap.connect(unixDomainSocketPath: path)
        }
        connected.whenComplete { result in
            switch result {
            case .success(let channel):
                if outcome.isFinished {
                    channel.close(promise: nil)  // timed out while connecting
                } else {
                    outcome.channel = channel
                    onChannel(channel)
                }
            case .failure(let error):
                outcome.finish(.failed(.connectFailed("\(error)")))
            }
        }
    }

    /// The check as a FastCGI or SCGI request: `GET path`, no body.
    static func cgiRequest(
        path: String, host: String, backendProtocol: BackendProtocol, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        let environment = CGIEnvironment(
            method: "GET", target: Array(path.utf8), requestURI: path, fields: [("Host", host)], contentLength: nil,
            remoteAddress: "127.0.0.1", serverPort: 0, host: host, software: SluiceVersion.serverHeader)
        return CGIRequestHead.encode(environment, protocol: backendProtocol, endingInput: true, allocator: allocator)
    }

    /// Sends the prepared FastCGI or SCGI request in place of the HTTP head it is given.
    final class CGIProbeRequestEncoder: ChannelOutboundHandler {
        typealias OutboundIn = HTTPClientRequestPart
        typealias OutboundOut = ByteBuffer
        private let request: ByteBuffer

        init(request: ByteBuffer) {
            self.request = request
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .head = unwrapOutboundIn(data) {
                context.write(wrapOutboundOut(request), promise: promise)
            } else {
                promise?.succeed(())
            }
        }
    }

    /// The `Host` a check sends: the backend's own `host:port` (RFC 9110 §7.2), `localhost` for a Unix socket.
    static func hostHeader(for address: ResolvedBackend.Address) -> String {
        switch address {
        case .ip(let ip, let port): ip.isIPv4 ? "\(ip):\(port)" : "[\(ip)]:\(port)"
        case .unix: "localhost"
        }
    }

    /// The verdict of one check, delivered once; everything here runs on the check's loop.
    final class Outcome: @unchecked Sendable {
        private let loop: EventLoop
        private let completion: @Sendable (Verdict) -> Void
        private(set) var isFinished = false
        var channel: Channel?
        var onFinish: (() -> Void)?

        init(loop: EventLoop, completion: @escaping @Sendable (Verdict) -> Void) {
            self.loop = loop
            self.completion = completion
        }

        func finish(_ verdict: Verdict) {
            loop.preconditionInEventLoop()
            guard !isFinished else { return }
            isFinished = true
            onFinish?()
            onFinish = nil
            channel?.close(promise: nil)
            channel = nil
            completion(verdict)
        }
    }

    /// Sends the request once connected and reads the status; the body is read to its end and dropped.
    final class ProbeHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundOut = HTTPClientRequestPart

        private let request: HTTPRequestHead
        private let outcome: Outcome
        private var status: Int?

        init(request: HTTPRequestHead, outcome: Outcome) {
            self.request = request
            self.outcome = outcome
        }

        func channelActive(context: ChannelHandlerContext) {
            context.write(wrapOutboundOut(.head(request)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                let code = Int(head.status.code)
                guard code >= 200 else { return }  // an interim answer: the final one follows
                status = code
                if !(200..<300).contains(code) { outcome.finish(.failed(.status(code))) }
            case .body:
                break
            case .end:
                if let status { outcome.finish(.passed(status: status)) }
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            outcome.finish(.failed(.malformed("\(error)")))
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            outcome.finish(.failed(.closedBeforeAnswer))
            context.fireChannelInactive()
        }
    }
}
