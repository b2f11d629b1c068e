import Testing

@testable import SluiceCore

/// Random event sequences (seeded, so reproducible) checked against a model of what the caller knows from the
/// actions alone: the pool never exceeds its size, never hands out a connection twice, and its counts agree.
@Suite struct UpstreamPoolModelTests {
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    struct Model {
        var connecting: Set<Int> = []
        var leased: [Int: Int] = [:]  // connection → request
        var idle: Set<Int> = []
        var waiting: [Int] = []
        var nextRequest = 0
        var done: Set<Int> = []
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomSequencesKeepTheInvariants(seed: UInt64) {
        let configuration = UpstreamPoolStateMachine.Configuration(
            maxPoolSize: 3, maxKeepAliveRequests: 4, maxBacklogSize: 3, idleTimeout: 50)
        var pool = UpstreamPoolStateMachine(configuration: configuration)
        var model = Model()
        var random = Generator(state: seed)
        var now: UInt64 = 0

        func apply(_ action: UpstreamPoolStateMachine.Action) {
            switch action.request {
            case .none: break
            case .lease(let lease):
                let c = lease.connection.rawValue
                #expect(model.leased[c] == nil, "connection \(c) leased twice")
                #expect(!model.connecting.contains(c))
                model.idle.remove(c)
                model.leased[c] = lease.request.rawValue
                model.waiting.removeAll { $0 == lease.request.rawValue }
            case .reject(let r):
                model.waiting.removeAll { $0 == r.rawValue }
                model.done.insert(r.rawValue)
            case .moveToAnotherBackend(let rs), .fail(let rs):
                for r in rs {
                    model.waiting.removeAll { $0 == r.rawValue }
                    model.done.insert(r.rawValue)
                }
            }
            switch action.connection {
            case .none: break
            case .create(let c, _):
                model.connecting.insert(c.rawValue)
            case .close(let c):
                model.idle.remove(c.rawValue)
                model.leased[c.rawValue] = nil
                model.connecting.remove(c.rawValue)
            case .closeAndCreate(let closed, let created, _):
                model.idle.remove(closed.rawValue)
                model.leased[closed.rawValue] = nil
                model.connecting.insert(created.rawValue)
            case .closeAll(let cs):
                for c in cs {
                    #expect(model.idle.contains(c.rawValue), "closed a connection that was not idle")
                    model.idle.remove(c.rawValue)
                }
            }
        }

        for _ in 0..<3000 {
            now += UInt64(random.next(10))
            let action: UpstreamPoolStateMachine.Action
            switch random.next(8) {
            case 0, 1:
                let r = model.nextRequest
                model.nextRequest += 1
                model.waiting.append(r)
                action = pool.requestConnection(.init(r), on: .init(random.next(2)), fresh: random.next(6) == 0, now: now)
            case 2:
                guard let c = model.connecting.sorted().randomElement(using: &random) else { continue }
                model.connecting.remove(c)
                let ok = random.next(5) != 0
                if ok { model.idle.insert(c) }  // becomes idle unless the action leases it
                action = ok ? pool.connectionEstablished(.init(c), now: now) : pool.connectionFailed(.init(c), now: now)
                if ok, case .lease = action.request { model.idle.remove(c) }
                if ok, case .close = action.connection { model.idle.remove(c) }
            case 3, 4:
                guard let (c, r) = model.leased.sorted(by: { $0.key < $1.key }).randomElement(using: &random) else { continue }
                model.leased[c] = nil
                model.done.insert(r)
                let reusable = random.next(4) != 0
                action = pool.connectionReleased(.init(c), reusable: reusable, now: now)
                if case .lease = action.request {} else if case .none = action.connection { model.idle.insert(c) }
            case 5:
                guard let c = model.idle.union(model.leased.keys).sorted().randomElement(using: &random) else { continue }
                model.idle.remove(c)
                model.leased[c] = nil
                action = pool.connectionClosed(.init(c), now: now)
            case 6:
                guard let r = model.waiting.randomElement(using: &random) else { continue }
                model.waiting.removeAll { $0 == r }
                action = pool.cancelRequest(.init(r))
            default:
                action = pool.idleTimerFired(now: now)
            }
            apply(action)
            let total = model.connecting.count + model.leased.count + model.idle.count
            #expect(total <= configuration.maxPoolSize)
            #expect(pool.snapshot == .init(idle: model.idle.count, leased: model.leased.count,
                                           connecting: model.connecting.count, waiting: model.waiting.count))
        }
        apply(pool.shutdown())
        #expect(model.waiting.isEmpty && model.idle.isEmpty)
    }
}

extension Collection {
    func randomElement(using generator: inout UpstreamPoolModelTests.Generator) -> Element? {
        guard !isEmpty else { return nil }
        return self[index(startIndex, offsetBy: generator.next(count))]
    }
}
