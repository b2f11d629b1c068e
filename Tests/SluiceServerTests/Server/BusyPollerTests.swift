import Glibc
import NIOCore
import NIOPosix
import Testing

@testable import SluiceServer

/// `BusyPoller` on real event loops: the probe finds each loop's own epoll descriptor, and a tick that
/// leaves an event pending ends its spin on it.
@Suite struct BusyPollerTests {
    @Test func theProbeFindsOneDistinctEpollDescriptorPerLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        try await Self.shuttingDown(group) {
            var found: [CInt] = []
            for loop in group.makeIterator() {
                found.append(try await EpollDescriptorProbe.descriptor(of: loop))
            }
            #expect(Set(found).count == 2)
            let epolls = EpollDescriptorProbe.epollDescriptors()
            #expect(found.allSatisfy(epolls.contains))
            // Each set holds NIO's own eventfd and timerfd again: the probe pipe was closed and removed.
            let leftovers = found.map { EpollDescriptorProbe.targets(ofEpoll: $0).count }
            #expect(leftovers.allSatisfy { $0 == 2 }, "targets left in the loops' sets: \(leftovers)")
        }
    }

    @Test func fdinfoTargetsAreParsed() {
        let text = """
            pos:\t0
            flags:\t02000002
            mnt_id:\t16
            ino:\t1057
            tfd:        5 events:       19 data:                5  pos:0 ino:41e sdev:f
            tfd:       12 events: 8000201d data:  200000000000c  pos:0 ino:9c61 sdev:9

            """
        #expect(EpollDescriptorProbe.parseTargets(fdinfo: text) == [5, 12])
        #expect(EpollDescriptorProbe.parseTargets(fdinfo: "pos:\t0\n") == [])
    }

    @Test func aTickThatLeavesAnEventPendingEndsItsSpinOnIt() async throws {
        let poller = BusyPoller(window: .milliseconds(50))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1, metricsDelegate: poller)
        try await Self.shuttingDown(group) {
            let loop = group.next()
            #expect(poller.statistics == BusyPoller.Statistics())
            try await poller.attach(to: group)
            #expect(poller.isAttached)

            // A pipe whose read end the loop watches; a task on the loop writes into it, so the tick that ran
            // the task ends with the pipe readable: its spin must see that at once.
            var ends: [CInt] = [-1, -1]
            #expect(pipe(&ends) == 0)
            let received = loop.makePromise(of: Void.self)
            let channel = try await NIOPipeBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ReadSignal(promise: received))
                    }
                }
                .takingOwnershipOfDescriptor(input: ends[0]).get()
            let before = poller.statistics
            let writer = ends[1]
            try await loop.submit { #expect(write(writer, "x", 1) == 1) }.get()
            try await received.futureResult.get()
            // The read ran in a later tick than the write, so the write's tick has finished its spin.
            let after = poller.statistics
            #expect(after.endedByEvent > before.endedByEvent)
            #expect(after.spins > before.spins)
            #expect(after.polls >= after.spins)
            try await channel.close()
            close(writer)
        }
    }

    @Test func anUnattachedPollerDoesNotSpin() async throws {
        let poller = BusyPoller(window: .milliseconds(1))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1, metricsDelegate: poller)
        try await Self.shuttingDown(group) {
            // Not attached: ticks run and nothing spins.
            for _ in 0..<3 { try await group.next().submit {}.get() }
            #expect(!poller.isAttached)
            #expect(poller.statistics == BusyPoller.Statistics())
        }
    }

    /// Runs `body`, then shuts `group` down whether or not it threw.
    static func shuttingDown(_ group: MultiThreadedEventLoopGroup, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    private final class ReadSignal: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<Void>
        init(promise: EventLoopPromise<Void>) { self.promise = promise }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            promise.succeed()
        }
    }
}
