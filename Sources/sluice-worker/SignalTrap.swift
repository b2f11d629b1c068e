import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `handler` (on a Dispatch queue) when one of `signals` arrives, instead of the default action.
///
/// Used for a graceful stop on SIGINT / SIGTERM: the listening socket is closed, `run` returns, the event
/// loops shut down and the process exits 0.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], handler: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "sluice-worker.signals")
        self.sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in self.sources {
            source.cancel()
        }
    }
}
