import NIOCore
import NIOPosix
import Synchronization

/// A backend that answers every connection with fixed raw bytes (then optionally closes), or holds them until told to, for responses
/// no real app server sends: malformed heads, bodies cut short, silence. The bytes can be switched while it
/// runs (`setReply`), e.g. to make a health check fail and then pass.
final class ScriptedUpstream: Sendable {
    let channel: Channel
    let accepted = Mutex(0)
    private let script: Script
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: Channel, script: Script) {
        self.channel = channel
        self.script = script
    }

    /// What later requests get (nil: never answered); connections already answered are not affected.
    func setReply(_ reply: [UInt8]?) {
        script.reply.withLock { $0 = reply }
    }

    /// Requests that arrived while the reply was nil and are still unanswered.
    var waiting: Int { script.waiting.withLock { $0.count } }

    /// Writes `bytes` to the connections of the requests held so far without answering them for good: they stay
    /// held (still counted in `waiting`, still open), e.g. a response head and a first event whose rest comes
    /// later. Writes reach each connection in the order they are made, before a later `answerWaiting`.
    func write(_ bytes: [UInt8]) {
        let held = script.waiting.withLock { $0 }
        for channel in held {
            channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
        }
    }

    /// Answers the requests held so far (those that arrived while the reply was nil) with `reply`.
    func answerWaiting(with reply: [UInt8]) {
        let held = script.waiting.withLock { held in
            defer { held = [] }
            return held
        }
        for channel in held {
            let written = channel.writeAndFlush(channel.allocator.buffer(bytes: reply))
            if script.closeAfterReply { written.whenComplete { _ in channel.close(promise: nil) } }
        }
    }

    /// `reply` is written once a request's first bytes arrive; nil never answers. With `resetAtRead`, the
    /// connection is instead reset (RST, as the kernel does for a killed process with unread bytes) when that
    /// read (1-based, one per request for small requests) arrives on it.
    /// Where it listens: 127.0.0.1 by default, `host` (e.g. `::1`), or a unix socket at `unixPath`.
    static func start(
        reply: [UInt8]?, closeAfterReply: Bool = true, resetAtRead: Int? = nil, host: String = "127.0.0.1",
        unixPath: String? = nil
    ) async throws -> ScriptedUpstream {
        let counter = Counter()
        let script = Script(reply: reply, closeAfterReply: closeAfterReply)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counter.count.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    if let resetAtRead {
                        try channel.pipeline.syncOperations.addHandler(Resetter(atRead: resetAtRead))
                    }
                    try channel.pipeline.syncOperations.addHandler(Replier(script: script))
                }
            }
            .bindAt(host: host, unixPath: unixPath)
        let upstream = ScriptedUpstream(channel: channel, script: script)
        upstream.counter = counter
        return upstream
    }

    private nonisolated(unsafe) var counter: Counter?
    var connections: Int { counter?.count.withLock { $0 } ?? 0 }

    func stop() async {
        try? await channel.close()
    }

    final class Counter: Sendable {
        let count = Mutex(0)
    }

    final class Script: Sendable {
        let reply: Mutex<[UInt8]?>
        let closeAfterReply: Bool
        /// Connections whose request arrived while `reply` was nil.
        let waiting = Mutex<[Channel]>([])

        init(reply: [UInt8]?, closeAfterReply: Bool) {
            self.reply = Mutex(reply)
            self.closeAfterReply = closeAfterReply
        }
    }

    /// Resets the connection at its `atRead`-th read; passes earlier reads on to the `Replier`.
    final class Resetter: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let atRead: Int
        var reads = 0

        init(atRead: Int) {
            self.atRead = atRead
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            reads += 1
            guard reads == atRead else {
                context.fireChannelRead(data)
                return
            }
            let channel = context.channel
            // SO_LINGER 0: close sends RST instead of FIN.
            (channel as? SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }

    final class Replier: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let script: Script

        init(script: Script) {
            self.script = script
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard let reply = script.reply.withLock({ $0 }) else {
                script.waiting.withLock { $0.append(context.channel) }
                return
            }
            let written = context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: reply)))
            if script.closeAfterReply {
                written.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
            }
        }
    }
}

extension ServerBootstrap {
    fileprivate func bindAt(host: String, unixPath: String?) async throws -> Channel {
        if let unixPath { return try await bind(unixDomainSocketPath: unixPath, cleanupExistingSocketFile: true).get() }
        return try await bind(host: host, port: 0).get()
    }
}
