import NIOCore
import Synchronization

/// Bounds a whole test connection in time: when it expires the channel is closed, which ends any pending
/// read or write, and the client reports a timeout rather than a mysterious close.
final class TestConnectionDeadline: Sendable {
    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    private let expired = Flag()
    private let scheduled: Scheduled<Void>

    init(channel: Channel, timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let expired = self.expired
        self.scheduled = channel.eventLoop.scheduleTask(in: amount) {
            expired.value.store(true, ordering: .relaxed)
            channel.close(promise: nil)
        }
    }

    var hasExpired: Bool { self.expired.value.load(ordering: .relaxed) }

    func cancel() {
        self.scheduled.cancel()
    }
}

/// What went wrong talking to a server under test.
struct TestClientError: Error, CustomStringConvertible {
    let description: String

    static func timedOut(_ what: String) -> TestClientError {
        TestClientError(description: "timed out \(what)")
    }

    static func closed(_ what: String) -> TestClientError {
        TestClientError(description: "connection closed \(what)")
    }

    static func unexpected(_ what: String) -> TestClientError {
        TestClientError(description: "unexpected \(what)")
    }
}
