#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import NIOCore
import NIOPosix
import SluiceCore
import Synchronization

/// `server.busy-poll`: after each tick an event loop keeps polling for up to `window` before it sleeps,
/// HAProxy's `busy-polling` with a bound. Waking a sleeping CPU costs tens of microseconds in a virtual
/// machine (the vCPU halts and the hypervisor has to run it again), and a proxied request waits for two
/// such wake-ups in the proxy; a loop still polling when the next event lands skips them. The price is CPU:
/// a loop whose events come closer together than the window never sleeps.
///
/// NIO has no hook for its wait, so the spin runs in the loop's end-of-tick callback
/// (`NIOEventLoopMetricsDelegate.processedTick`, after every I/O event and task of the tick) and polls the
/// loop's own epoll descriptor (found at start by `EpollDescriptorProbe`) with `poll(2)`, which reports a
/// pending event without taking it: the loop's next `epoll_wait` then returns at once. Tasks submitted from
/// other threads wake NIO's eventfd and so end a spin like any event; a timer falling due during a spin runs
/// at most `window` late.
public final class BusyPoller: NIOEventLoopMetricsDelegate {
    public let window: TimeAmount
    private let windowNanoseconds: UInt64
    private let loops = AtomicLazyReference<PolledLoops>()

    public init(window: TimeAmount) {
        self.window = window
        self.windowNanoseconds = UInt64(max(window.nanoseconds, 0))
    }

    public struct AttachError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Spin counts summed over the loops (for diagnostics and tests).
    public struct Statistics: Sendable, Equatable {
        /// Spins run (one per tick once attached).
        public var spins = 0
        /// Spins ended by a pending event: wake-ups the loop did not sleep through.
        public var endedByEvent = 0
        /// Zero-timeout polls made.
        public var polls = 0
    }

    public var statistics: Statistics {
        var total = Statistics()
        for loop in loops.load()?.entries ?? [] {
            total.spins += loop.spins.load(ordering: .relaxed)
            total.endedByEvent += loop.endedByEvent.load(ordering: .relaxed)
            total.polls += loop.polls.load(ordering: .relaxed)
        }
        return total
    }

    /// Whether `attach` has found every loop's descriptor (until then ticks do not spin).
    public var isAttached: Bool { loops.load() != nil }

    /// Finds the epoll descriptor of each loop of `group` (the group this poller was given to); spinning
    /// starts once all are found.
    public func attach(to group: MultiThreadedEventLoopGroup) async throws(AttachError) {
        var entries: [PolledLoop] = []
        for loop in group.makeIterator() {
            let descriptor = try await EpollDescriptorProbe.descriptor(of: loop)
            entries.append(PolledLoop(id: ObjectIdentifier(loop), descriptor: descriptor))
        }
        _ = loops.storeIfNil(PolledLoops(entries: entries))
    }

    public func processedTick(info: NIOEventLoopTickInfo) {
        guard let loop = loops.load()?.entry(for: info.eventLoopID), !loop.stopped.load(ordering: .relaxed) else {
            return
        }
        var request = pollfd(fd: loop.descriptor, events: Int16(POLLIN), revents: 0)
        let (outcome, polls) = BusyPollSpin.run(
            until: info.endTime.uptimeNanoseconds &+ windowNanoseconds,
            now: { NIODeadline.now().uptimeNanoseconds },
            poll: {
                switch poll(&request, 1, 0) {
                case 0: return .idle
                case let count where count > 0:
                    return request.revents & Int16(POLLNVAL) != 0 ? .failed(errno: EBADF) : .ready
                default: return errno == EINTR ? .interrupted : .failed(errno: errno)
                }
            })
        loop.spins.wrappingAdd(1, ordering: .relaxed)
        loop.polls.wrappingAdd(polls, ordering: .relaxed)
        switch outcome {
        case .eventPending: loop.endedByEvent.wrappingAdd(1, ordering: .relaxed)
        case .windowElapsed: break
        case .pollFailed: loop.stopped.store(true, ordering: .relaxed)
        }
    }

    /// The loops' descriptors, set once by `attach` and read on every tick without a lock.
    private final class PolledLoops: Sendable {
        let entries: [PolledLoop]
        init(entries: [PolledLoop]) { self.entries = entries }

        func entry(for id: ObjectIdentifier) -> PolledLoop? {
            for entry in entries where entry.id == id { return entry }
            return nil
        }
    }

    /// One loop: its epoll descriptor and counters (written only by that loop's thread).
    private final class PolledLoop: Sendable {
        let id: ObjectIdentifier
        let descriptor: CInt
        let spins = Atomic<Int>(0)
        let endedByEvent = Atomic<Int>(0)
        let polls = Atomic<Int>(0)
        /// Set when a poll failed (the descriptor is gone): the loop sleeps normally from then on.
        let stopped = Atomic<Bool>(false)

        init(id: ObjectIdentifier, descriptor: CInt) {
            self.id = id
            self.descriptor = descriptor
        }
    }
}
