import NIOCore
import NIOHTTP1
import SluiceCore

/// What the upstream connection reports (on its own event loop), brought to the client's loop and turned into
/// state-machine events.
extension ProxyExchange: UpstreamDelegate {
    // On the client's own loop (the usual case) each event is handled in place: passing it through
    // `onClientLoop` would allocate the escaping closure first.
    func upstreamHead(_ head: UpstreamResponseHead) {
        if context.eventLoop.inEventLoop {
            receivedHead(head)
        } else {
            onClientLoop { self.receivedHead(head) }
        }
    }

    func upstreamBody(_ bytes: ByteBuffer) {
        if context.eventLoop.inEventLoop {
            receivedBody(bytes)
        } else {
            onClientLoop { self.receivedBody(bytes) }
        }
    }

    func upstreamEnd() {
        if context.eventLoop.inEventLoop {
            receivedEnd()
        } else {
            onClientLoop { self.receivedEnd() }
        }
    }

    /// Everything one backend read produced (head, body parts) goes to the client in one flush: a streamed
    /// response is still sent as it arrives, read by read, without a syscall per part.
    func upstreamReadComplete() {
        if context.eventLoop.inEventLoop {
            readComplete()
        } else {
            onClientLoop { self.readComplete() }
        }
    }

    private func readComplete() {
        if responseHead != nil && !finished { handler.flushProxied(context: context) }
    }

    func upstreamFailed(_ error: Error) {
        onClientLoop {
            guard !self.finished else { return }
            self.failureCause = "malformed response: \(error)"
            self.run(self.machine.malformedResponse())
        }
    }

    func upstreamLost(_ error: Error) {
        onClientLoop {
            guard !self.finished, self.connection != nil else { return }
            self.failureCause = "connection lost: \(error)"
        }
    }

    func upstreamClosed() {
        onClientLoop {
            guard !self.finished, self.connection != nil else { return }
            self.run(self.machine.backendClosed(now: self.now))
        }
    }

    func upstreamWritabilityChanged(_ writable: Bool) {
        onClientLoop {
            // Once finished the client may be gone, and with it the handler (held `unowned`).
            guard !self.finished else { return }
            self.handler.setClientReadsPaused(!writable, context: self.context)
            if writable { self.cancelWriteTimer() } else if self.requestSent { self.armWriteTimer() }
        }
    }

    func receivedHead(_ head: UpstreamResponseHead) {
        guard !finished else { return }
        responseHead = head
        if head.status.code >= 200 { cancelWaitTimer() }
        run(machine.responseHead(status: Int(head.status.code)))
        if head.status.code >= 200 { armReadTimer() }
    }

    func receivedBody(_ buffer: ByteBuffer) {
        guard !finished else { return }
        armReadTimer()
        run(machine.responseBodyPart(), body: buffer)
    }

    func receivedEnd() {
        guard !finished else { return }
        cancelTimers()
        let reusable = responseHead?.isKeepAlive ?? false
        run(machine.responseEnd(reusable: reusable))
    }
}
