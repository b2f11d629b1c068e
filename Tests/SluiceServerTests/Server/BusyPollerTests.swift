import Glibc
import NIOCore
import NIOPosix
import Testing

@testable import SluiceServer

/// `BusyPoller` on real event loops: the probe finds each loop's own epoll descriptor, and a tick that
/// leaves an event pending ends its spin on it at once.
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
        #expect(EpollDescriptorProbe.parseTargets(fdinfo: text) == [
            .init(descriptor: 5, inode: 0x41e), .init(descriptor: 12, inode: 0x9c61),
        ])
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

            // A socket pair whose one end the loop watches. A task on the loop notes the counts and writes into
            // the other end, so the tick that ran the task ends with the socket readable; the read comes in the
            // very next tick and notes the counts again. In between ran exactly that tick's spin, which must
            // have seen the byte at its first poll.
            var ends: [CInt] = [-1, -1]
            #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
            let countsAtRead = loop.makePromise(of: BusyPoller.Statistics.self)
            let channel = try await ClientBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ReadSignal { countsAtRead.succeed(poller.statistics) })
                    }
                }
                .withConnectedSocket(ends[0]).get()
            let writer = ends[1]
            let before = try await loop.submit {
                let counts = poller.statistics
                #expect(write(writer, "x", 1) == 1)
                return counts
            }.get()
            let after = try await countsAtRead.futureResult.get()
            #expect(after.spins - before.spins == 1)
            #expect(after.endedByEvent - before.endedByEvent == 1)
            #expect(after.polls - before.polls == 1)
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
        let onRead: @Sendable () -> Void
        init(_ onRead: @escaping @Sendable () -> Void) { self.onRead = onRead }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            onRead()
        }
    }
}
