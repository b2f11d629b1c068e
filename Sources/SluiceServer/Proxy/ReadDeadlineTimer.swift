import NIOCore

/// The backend read timeout (`proxy-core.read-timeout`) of one client connection's proxied requests, one after
/// another: one scheduled task that outlives the request it was armed for.
///
/// Scheduling a task for each exchange and cancelling it when the response ends cost more than the rest of the
/// exchange's bookkeeping together. Here arming is a store of the new deadline; a task already pending for an
/// earlier time reschedules itself for the rest when it fires, and one that fires with no exchange armed simply
/// ends (the next exchange schedules again). Confined to the client connection's event loop.
final class ReadDeadlineTimer {
    private let eventLoop: EventLoop
    /// The exchange waiting for its backend, and until when.
    private var exchange: ProxyExchange?
    private var deadline = NIODeadline.distantFuture
    private var task: Scheduled<Void>?
    private var taskDeadline = NIODeadline.distantFuture

    init(eventLoop: EventLoop) {
        self.eventLoop = eventLoop
    }

    /// `exchange` times out at `deadline` unless armed again or disarmed first.
    func arm(_ exchange: ProxyExchange, until deadline: NIODeadline) {
        self.exchange = exchange
        self.deadline = deadline
        if let task {
            guard deadline < taskDeadline else { return }
            task.cancel()  // a shorter timeout than the request before
        }
        schedule()
    }

    /// `exchange` no longer waits (the response ended, or it failed or became a tunnel).
    func disarm(_ exchange: ProxyExchange) {
        guard self.exchange === exchange else { return }
        self.exchange = nil
    }

    /// The client connection closed.
    func stop() {
        task?.cancel()
        task = nil
        exchange = nil
    }

    private func schedule() {
        taskDeadline = deadline
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        task = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            loopBound.value.fired()
        }
    }

    private func fired() {
        task = nil
        guard let exchange else { return }
        guard NIODeadline.now() >= deadline else {
            schedule()
            return
        }
        self.exchange = nil
        exchange.readTimedOut()
    }
}
