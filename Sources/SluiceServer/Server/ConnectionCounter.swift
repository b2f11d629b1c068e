import NIOCore
import Synchronization

/// `server.max-connections`: counts open client connections across every listener; at the limit the
/// listening sockets stop accepting (new clients wait in the kernel's backlog) and start again as soon as
/// a connection closes, as lighttpd does.
final class ConnectionCounter: Sendable {
    let limit: Int
    private let state: Mutex<(open: Int, paused: [Channel])>

    init(limit: Int) {
        self.limit = limit
        state = Mutex((0, []))
    }

    var open: Int { state.withLock { $0.open } }

    /// A connection was accepted on `listener`; pauses accepting when the limit is reached.
    func accepted(on listener: Channel) {
        let pause = state.withLock { value -> Bool in
            value.open += 1
            guard value.open >= limit else { return false }
            value.paused.append(listener)
            return true
        }
        if pause { _ = listener.setOption(.autoRead, value: false) }
    }

    /// A connection closed; resumes the paused listeners when below the limit.
    func closed() {
        let resume = state.withLock { value -> [Channel] in
            value.open -= 1
            guard value.open < limit, !value.paused.isEmpty else { return [] }
            defer { value.paused.removeAll() }
            return value.paused
        }
        for listener in resume {
            listener.setOption(.autoRead, value: true).whenSuccess { listener.read() }
        }
    }
}

/// On each listening socket: counts every accepted connection and its close.
final class AcceptCountingHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    let counter: ConnectionCounter

    init(counter: ConnectionCounter) {
        self.counter = counter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        counter.accepted(on: context.channel)
        let counter = self.counter
        child.closeFuture.whenComplete { _ in counter.closed() }
        context.fireChannelRead(data)
    }
}
