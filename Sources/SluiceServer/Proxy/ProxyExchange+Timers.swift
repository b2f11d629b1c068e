import NIOCore
import NIOHTTP1
import SluiceCore

/// Timers and event-loop hops of an exchange: the read timeout, the backlog and pool waits, and moving work
/// between the client's loop and an upstream connection's.
extension ProxyExchange {

    /// The backend has `proxy-core.read-timeout` from now to send its next byte (the client connection's
    /// `ReadDeadlineTimer`, shared by its exchanges one after another); 0: no limit, as lighttpd's 0.
    func armReadTimer() {
        cancelWaitTimer()
        let seconds = routed.options.proxy.readTimeout
        guard seconds > 0 else { return }
        handler.proxyReadTimer(on: context.eventLoop).arm(self, until: .now() + .seconds(Int64(seconds)))
    }

    /// The backend has `proxy-core.write-timeout` from now to take more of the request (armed while the
    /// upstream connection is not writable; 0: no limit, as lighttpd's 0).
    func armWriteTimer() {
        let seconds = routed.options.proxy.writeTimeout
        guard writeTimer == nil, seconds > 0 else { return }
        writeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(Int64(seconds))) { [self] in
            writeTimer = nil
            guard !finished else { return }
            run(machine.writeTimeout())
        }
    }

    func cancelWriteTimer() {
        writeTimer?.cancel()
        writeTimer = nil
    }

    func readTimedOut() {
        guard !finished else { return }
        run(machine.readTimeout())
    }

    func cancelWaitTimer() {
        timer?.cancel()
        timer = nil
    }

    func cancelTimers() {
        cancelWaitTimer()
        cancelWriteTimer()
        handler.backendReadTimer?.disarm(self)
    }

    func schedule(at deadline: UInt64, _ body: @escaping () -> Void) {
        cancelTimers()
        let delay = TimeAmount.nanoseconds(max(0, Int64(deadline) - Int64(now)))
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay, body)
    }

    func onClientLoop(_ body: @escaping () -> Void) {
        if context.eventLoop.inEventLoop {
            body()
        } else {
            let bound = UnsafeTransfer(body)
            context.eventLoop.execute { bound.value() }
        }
    }

    func hop(_ loop: EventLoop, _ body: @escaping () -> Void) {
        if loop.inEventLoop {
            body()
        } else {
            let bound = UnsafeTransfer(body)
            loop.execute { bound.value() }
        }
    }
}

/// Moves a closure to another event loop where only that loop runs it.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
