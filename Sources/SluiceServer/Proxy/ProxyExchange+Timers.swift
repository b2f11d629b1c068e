import NIOCore
import NIOHTTP1
import SluiceCore

/// Timers and event-loop hops of an exchange: the read timeout, the backlog and pool waits, and moving work
/// between the client's loop and an upstream connection's.
extension ProxyExchange {

    func armReadTimer() {
        cancelWaitTimer()
        readDeadline = .now() + .seconds(Int64(max(1, proxy.readTimeout)))
        if readTimer == nil { scheduleReadTimer() }
    }

    func scheduleReadTimer() {
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        readTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: readDeadline) {
            let exchange = loopBound.value
            exchange.readTimer = nil
            guard !exchange.finished else { return }
            guard NIODeadline.now() >= exchange.readDeadline else {
                exchange.scheduleReadTimer()
                return
            }
            exchange.run(exchange.machine.readTimeout())
        }
    }

    func cancelWaitTimer() {
        timer?.cancel()
        timer = nil
    }

    func cancelTimers() {
        cancelWaitTimer()
        readTimer?.cancel()
        readTimer = nil
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
