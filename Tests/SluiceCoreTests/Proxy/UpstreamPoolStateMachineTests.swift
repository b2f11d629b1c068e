import Testing

@testable import SluiceCore

typealias Pool = UpstreamPoolStateMachine

/// Scripts of pool events with the exact action each must produce, on an injected clock (seconds).
@Suite struct UpstreamPoolStateMachineTests {
    enum Event {
        case request(Int, loop: Int, fresh: Bool = false)
        case established(Int)
        case failed(Int)
        case released(Int, reusable: Bool = true)
        case closed(Int)
        case cancel(Int)
        case timer
        case shutdown
    }

    struct Step {
        var at: UInt64 = 0
        var event: Event
        var expect: Pool.Action
        init(at: UInt64 = 0, _ event: Event, _ expect: Pool.Action = .none) {
            self.at = at
            self.event = event
            self.expect = expect
        }
    }

    static func seconds(_ s: UInt64) -> UInt64 { s * 1_000_000_000 }

    @discardableResult
    func run(_ steps: [Step], configuration: Pool.Configuration = small) -> Pool {
        var pool = Pool(configuration: configuration)
        for (index, step) in steps.enumerated() {
            let now = Self.seconds(step.at)
            let action: Pool.Action
            switch step.event {
            case .request(let r, let loop, let fresh):
                action = pool.requestConnection(.init(r), on: .init(loop), fresh: fresh, now: now)
            case .established(let c): action = pool.connectionEstablished(.init(c), now: now)
            case .failed(let c): action = pool.connectionFailed(.init(c), now: now)
            case .released(let c, let reusable): action = pool.connectionReleased(.init(c), reusable: reusable, now: now)
            case .closed(let c): action = pool.connectionClosed(.init(c), now: now)
            case .cancel(let r): action = pool.cancelRequest(.init(r))
            case .timer: action = pool.idleTimerFired(now: now)
            case .shutdown: action = pool.shutdown()
            }
            #expect(action == step.expect, "step \(index): \(step.event)")
        }
        return pool
    }

    /// 2 connections, 3 requests each, backlog 2, idle timeout 10 s.
    static let small = Pool.Configuration(maxPoolSize: 2, maxKeepAliveRequests: 3, maxBacklogSize: 2,
                                          idleTimeout: seconds(10))

    static func lease(_ r: Int, _ c: Int, loop: Int = 0, reused: Bool) -> Pool.Action {
        Pool.Action(request: .lease(.init(request: .init(r), connection: .init(c), eventLoop: .init(loop), isReused: reused)))
    }
    static func create(_ c: Int, loop: Int = 0) -> Pool.Action { Pool.Action(connection: .create(.init(c), on: .init(loop))) }
    static func close(_ c: Int) -> Pool.Action { Pool.Action(connection: .close(.init(c))) }
    static func replace(_ c: Int, by new: Int, loop: Int = 0) -> Pool.Action {
        Pool.Action(connection: .closeAndCreate(close: .init(c), create: .init(new), on: .init(loop)))
    }
    static func timer(_ at: UInt64) -> Pool.Action { Pool.Action(scheduleIdleTimer: seconds(at)) }

    @Test func connectThenReuse() {
        let pool = run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(at: 1, .released(0), Self.timer(11)),
            Step(at: 2, .request(2, loop: 0), Self.lease(2, 0, reused: true)),
            Step(at: 3, .released(0)),  // a timer is pending already
        ])
        #expect(pool.snapshot == .init(idle: 1, leased: 0, connecting: 0, waiting: 0))
    }

    @Test func idleOfTheRequestsLoopFirstThenAnyLoopMostRecentFirst() {
        run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.request(2, loop: 1), Self.create(1, loop: 1)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(.established(1), Self.lease(2, 1, loop: 1, reused: false)),
            Step(at: 1, .released(0), Self.timer(11)),
            Step(at: 2, .released(1)),
            Step(at: 3, .request(3, loop: 1), Self.lease(3, 1, loop: 1, reused: true)),
            Step(at: 3, .request(4, loop: 1), Self.lease(4, 0, reused: true)),  // none on loop 1 left: loop 0's
        ])
        run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.request(2, loop: 0), Self.create(1)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(.established(1), Self.lease(2, 1, reused: false)),
            Step(at: 1, .released(1), Self.timer(11)),
            Step(at: 2, .released(0)),
            Step(at: 3, .request(3, loop: 0), Self.lease(3, 0, reused: true)),  // most recently released
        ])
    }

    @Test func fullPoolQueuesFIFOThenRejects() {
        let pool = run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.request(2, loop: 1), Self.create(1, loop: 1)),
            Step(.request(3, loop: 0)),  // both connections being opened serve r1 and r2: r3 is backlog
            Step(.request(4, loop: 1)),
            Step(.request(5, loop: 0), Pool.Action(request: .reject(.init(5)))),
            Step(.established(1), Self.lease(1, 1, loop: 1, reused: false)),  // oldest waiter, whatever its loop
            Step(.established(0), Self.lease(2, 0, reused: false)),
            Step(.released(0), Self.lease(3, 0, reused: true)),
            Step(.released(1), Self.lease(4, 1, loop: 1, reused: true)),
        ])
        #expect(pool.snapshot == .init(idle: 0, leased: 2, connecting: 0, waiting: 0))
    }

    @Test func requestsWaitingForTheirOwnConnectionAreNotBacklog() {
        let configuration = Pool.Configuration(maxPoolSize: 2, maxBacklogSize: 0, idleTimeout: Self.seconds(10))
        run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.request(2, loop: 0), Self.create(1)),
            Step(.request(3, loop: 0), Pool.Action(request: .reject(.init(3)))),
        ], configuration: configuration)
    }

    @Test func connectionsRetireAfterMaxKeepAliveRequests() {
        run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(.released(0), Self.timer(10)),
            Step(.request(2, loop: 0), Self.lease(2, 0, reused: true)),
            Step(.released(0)),
            Step(.request(3, loop: 0), Self.lease(3, 0, reused: true)),
            Step(.released(0), Self.close(0)),  // third request done: retired
            Step(.request(4, loop: 0), Self.create(1)),
        ])
        // lighttpd 1.5: 0 means never reused.
        run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(.released(0), Self.close(0)),
        ], configuration: Pool.Configuration(maxPoolSize: 2, maxKeepAliveRequests: 0))
    }

    @Test func anUnusableConnectionIsReplacedForAWaiter() {
        run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.request(2, loop: 0), Self.create(1)),
            Step(.request(3, loop: 1)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(.established(1), Self.lease(2, 1, reused: false)),
            Step(.released(0, reusable: false), Self.replace(0, by: 2, loop: 1)),  // opened on r3's loop
            Step(.released(1, reusable: false), Self.close(1)),  // r3 is served by c2 already
            Step(.established(2), Self.lease(3, 2, loop: 1, reused: false)),
        ])
    }

    @Test func aFailedConnectMovesEveryWaiter() {
        let pool = run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.request(2, loop: 0), Self.create(1)),
            Step(.request(3, loop: 0)),
            Step(.failed(0), Pool.Action(request: .moveToAnotherBackend([.init(1), .init(2), .init(3)]))),
            Step(at: 1, .established(1), Self.timer(11)),  // nobody waits any more: idle
            Step(.failed(7)),  // unknown: ignored
        ])
        #expect(pool.snapshot == .init(idle: 1, leased: 0, connecting: 0, waiting: 0))
    }

    @Test func closedConnectionsLeaveAndWaitersGetNewOnes() {
        run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(.released(0), Self.timer(10)),
            Step(.closed(0)),  // the backend closed the idle connection
            Step(.request(2, loop: 0), Self.create(1)),
            Step(.request(3, loop: 0), Self.create(2)),
            Step(.request(4, loop: 1)),
            Step(.established(1), Self.lease(2, 1, reused: false)),
            Step(.established(2), Self.lease(3, 2, reused: false)),
            Step(.closed(1), Self.create(3, loop: 1)),  // leased one went away: r4 gets a new connection
            Step(.closed(2)),  // nobody else waits
            // Closed while still connecting is a failed connect: the waiter goes to another backend.
            Step(.closed(3), Pool.Action(request: .moveToAnotherBackend([.init(4)]))),
        ])
    }

    @Test func idleConnectionsExpireWithOneTimer() {
        let pool = run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.request(2, loop: 0), Self.create(1)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(.established(1), Self.lease(2, 1, reused: false)),
            Step(at: 0, .released(0), Self.timer(10)),
            Step(at: 5, .released(1)),
            Step(at: 10, .timer, Pool.Action(connection: .closeAll([.init(0)]), scheduleIdleTimer: Self.seconds(15))),
            Step(at: 12, .request(3, loop: 0), Self.lease(3, 1, reused: true)),
            Step(at: 14, .released(1)),  // timer pending for 15 s
            Step(at: 15, .timer, Self.timer(24)),  // c1 idle since 14 s: not yet
            Step(at: 24, .timer, Pool.Action(connection: .closeAll([.init(1)]))),
            Step(at: 30, .request(4, loop: 0), Self.create(2)),
            Step(at: 30, .established(2), Self.lease(4, 2, reused: false)),
            Step(at: 31, .released(2), Self.timer(41)),  // no timer pending any more: ask again
        ])
        #expect(pool.snapshot.idle == 1)
    }

    @Test func cancelledWaitersAreSkipped() {
        run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.request(2, loop: 0), Self.create(1)),
            Step(.request(3, loop: 0)),
            Step(.cancel(1)),
            Step(.cancel(3)),
            Step(.cancel(9)),
            Step(.established(0), Self.lease(2, 0, reused: false)),
            Step(at: 1, .established(1), Self.timer(11)),
        ])
    }

    @Test func aFreshRequestNeverGetsAReusedConnection() {
        // Under the limit: a new connection although one is idle.
        run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(.released(0), Self.timer(10)),
            Step(.request(2, loop: 0, fresh: true), Self.create(1)),
            Step(.established(1), Self.lease(2, 1, reused: false)),
        ])
        // At the limit with an idle connection: the oldest idle one makes room.
        run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.request(2, loop: 0), Self.create(1)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(.established(1), Self.lease(2, 1, reused: false)),
            Step(at: 1, .released(1), Self.timer(11)),
            Step(at: 2, .released(0)),
            Step(at: 3, .request(3, loop: 1, fresh: true), Self.replace(1, by: 2, loop: 1)),
            Step(at: 3, .established(2), Self.lease(3, 2, loop: 1, reused: false)),
        ])
        // At the limit, all busy: a released connection is replaced for the fresh waiter, unless a new one is
        // already on its way, in which case the next waiter takes the released one.
        run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.request(2, loop: 0), Self.create(1)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(.established(1), Self.lease(2, 1, reused: false)),
            Step(.request(3, loop: 0, fresh: true)),
            Step(.request(4, loop: 0)),
            Step(.released(0), Self.replace(0, by: 2)),
            Step(.released(1), Self.lease(4, 1, reused: true)),
            Step(.established(2), Self.lease(3, 2, reused: false)),
        ])
    }

    @Test func shutdownClosesIdleFailsWaitersAndDrains() {
        var pool = run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.request(2, loop: 0), Self.create(1)),
            Step(.request(3, loop: 0)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(.shutdown, Pool.Action(request: .fail([.init(2), .init(3)]))),
            Step(.shutdown),
            Step(.request(4, loop: 0), Pool.Action(request: .fail([.init(4)]))),
            Step(.established(1), Self.close(1)),
        ])
        #expect(!pool.isShutDown)
        #expect(pool.connectionReleased(.init(0), reusable: true, now: 0) == Self.close(0))
        #expect(pool.isShutDown)

        run([
            Step(.request(1, loop: 0), Self.create(0)),
            Step(.request(2, loop: 1), Self.create(1, loop: 1)),
            Step(.established(0), Self.lease(1, 0, reused: false)),
            Step(.established(1), Self.lease(2, 1, loop: 1, reused: false)),
            Step(.released(1), Self.timer(10)),
            Step(.released(0)),
            Step(.shutdown, Pool.Action(connection: .closeAll([.init(0), .init(1)]))),
        ])
    }

    @Test func configurationFromProxyOptions() {
        var proxy = ResolvedProxy()
        proxy.maxPoolSize = 0
        proxy.maxKeepAliveRequests = 7
        proxy.maxBacklogSize = -3
        let configuration = Pool.Configuration(proxy)
        #expect(configuration == Pool.Configuration(maxPoolSize: 1, maxKeepAliveRequests: 7, maxBacklogSize: 0))
        #expect(Pool.Configuration(ResolvedProxy()) == Pool.Configuration())
    }
}
