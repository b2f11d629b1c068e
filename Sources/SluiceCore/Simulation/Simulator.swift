/// A discrete-event simulation of Sluice's balancing: requests arrive, the REAL policy, `BackendStats`,
/// `BackendHealth` and `BackendTicket` (on the simulated clock) pick and account for a backend, simulated
/// backends serve them (with a concurrency limit and a queue), refuse connections during an outage (the
/// connect-failure → `disable-time` path, then a retry on another backend), and the client-seen latencies are
/// summarised. Single-threaded and seeded: one scenario, one result. About a million requests per second of
/// CPU in a release build.
public enum Simulator {
    /// Runs `scenario` with the policy it names.
    public static func run(_ scenario: SimulationScenario) -> SimulationReport {
        let random = AtomicSplitMix64(seed: StableHash.mix(scenario.seed ^ 0x5eed_ba1a_ce00_0000))
        return run(scenario, balancer: scenario.balancer.makeBalancer(random: random),
                   name: scenario.balancer.configName)
    }

    /// Runs `scenario` with any policy (its `balancer` is then only a label).
    public static func run(_ scenario: SimulationScenario, balancer: any LoadBalancer, name: String) -> SimulationReport {
        var run = SimulationRun(scenario: scenario, balancer: balancer)
        return run.execute(name: name)
    }
}

/// The state of one simulation.
struct SimulationRun {
    private let scenario: SimulationScenario
    private let group: BackendGroup
    private var random: SplitMix64
    private var events = EventQueue()
    private var now: UInt64 = 0

    // Requests in progress, by slot (reused through `freeSlots`).
    private var arrivalTimes: [UInt64] = []
    private var tickets: [BackendTicket?] = []
    private var keys: [Int32] = []
    private var clients: [Int32] = []
    private var attempts: [Int32] = []
    private var freeSlots: [Int32] = []

    // Backends.
    private let outages: [(start: UInt64, end: UInt64)?]
    private let concurrency: [Int]
    private var busy: [Int]
    private var queues: [SlotQueue]
    private var served: [Int]
    private var latencySums: [Double]
    private var refused: [Int]

    // Requests waiting for any backend to come back.
    private var backlog: [Int32] = []
    private var backlogWakeScheduled = false

    // Keys for hash / sticky.
    private let targets: [Substring]
    private let host: Substring = "sim.example"

    private var issued = 0
    private var latencies: [UInt64] = []
    private var connectFailures = 0
    private var backlogged = 0
    private var failed = 0

    init(scenario: SimulationScenario, balancer: any LoadBalancer) {
        self.scenario = scenario
        group = BackendGroup(names: scenario.backends.map(\.name), balancer: balancer, health: scenario.health,
                             latencyDecay: scenario.latencyDecay)
        random = SplitMix64(seed: scenario.seed)
        outages = scenario.backends.map { backend in
            backend.outage.map { outage in
                (UInt64(max(outage.start.nanoseconds, 0)), outage.end.map { UInt64(max($0.nanoseconds, 0)) } ?? .max)
            }
        }
        concurrency = scenario.backends.map { max($0.concurrency ?? .max, 1) }
        let count = scenario.backends.count
        busy = Array(repeating: 0, count: count)
        queues = Array(repeating: SlotQueue(), count: count)
        served = Array(repeating: 0, count: count)
        latencySums = Array(repeating: 0, count: count)
        refused = Array(repeating: 0, count: count)
        let keyCount = max(scenario.distinctKeys, 1)
        targets = (0..<keyCount).map { "/item/\($0)?page=1"[...] }
        latencies.reserveCapacity(max(scenario.requests, 0))
    }

    mutating func execute(name: String) -> SimulationReport {
        startArrivals()
        while let event = events.popFirst() {
            now = event.time
            switch event.kind {
            case .arrival(let client): arrive(client: client)
            case .connectFailed(let slot): connectFailed(slot)
            case .completed(let slot): completed(slot)
            case .backlogWake: wakeBacklog()
            }
        }
        return report(name: name)
    }

    // MARK: Arrivals

    private mutating func startArrivals() {
        guard scenario.requests > 0, !scenario.backends.isEmpty else { return }
        switch scenario.arrivals {
        case .poisson:
            events.schedule(.arrival(client: -1), at: 0)
        case .closedLoop(let clientCount, let think):
            for client in 0..<max(clientCount, 1) {
                events.schedule(.arrival(client: Int32(client)), at: think.sample(using: &random))
            }
        }
    }

    private mutating func arrive(client: Int32) {
        guard issued < scenario.requests else { return }
        issued += 1
        if case .poisson(let rate) = scenario.arrivals, issued < scenario.requests {
            let gap = LatencyDistribution.exponentialSample(mean: 1e9 / max(rate, 1e-9), using: &random)
            events.schedule(.arrival(client: -1), at: now + gap)
        }
        let slot = allocateSlot(client: client)
        dispatch(slot)
    }

    private mutating func allocateSlot(client: Int32) -> Int32 {
        let key = Int32(truncatingIfNeeded: Int(random.next() % UInt64(targets.count)))
        if let slot = freeSlots.popLast() {
            arrivalTimes[Int(slot)] = now
            keys[Int(slot)] = key
            clients[Int(slot)] = client
            attempts[Int(slot)] = 0
            return slot
        }
        arrivalTimes.append(now)
        tickets.append(nil)
        keys.append(key)
        clients.append(client)
        attempts.append(0)
        return Int32(arrivalTimes.count - 1)
    }

    // MARK: Choosing a backend

    private mutating func dispatch(_ slot: Int32) {
        let request = balancingRequest(for: slot)
        guard let ticket = group.begin(for: request, now: now) else {
            waitInBacklog(slot)
            return
        }
        tickets[Int(slot)] = ticket
        let backend = ticket.backend.index
        if let outage = outages[backend], now >= outage.start, now < outage.end {
            events.schedule(.connectFailed(slot: slot), at: now + UInt64(max(scenario.connectFailureDelay.nanoseconds, 0)))
        } else if busy[backend] < concurrency[backend] {
            startService(slot, on: backend)
        } else {
            queues[backend].append(slot)
        }
    }

    private func balancingRequest(for slot: Int32) -> BalancingRequest {
        let key = keys[Int(slot)]
        let client = clients[Int(slot)]
        // Closed-loop clients keep their address; open-loop requests come from many addresses.
        let address = client >= 0 ? UInt32(client) : UInt32(key)
        return BalancingRequest(host: host, target: targets[Int(key)],
                                clientAddress: ClientAddressKey(ipv4: 0x0a00_0000 &+ address))
    }

    private mutating func waitInBacklog(_ slot: Int32) {
        backlogged += 1
        backlog.append(slot)
        guard !backlogWakeScheduled else { return }
        if let wake = group.nextRecovery(after: now) {
            backlogWakeScheduled = true
            events.schedule(.backlogWake, at: wake)
        } else if !group.hasBackendUp(at: now) {
            // Every backend is down with no recovery time (active checks): the proxy answers 503.
            let waiting = backlog
            backlog.removeAll()
            for slot in waiting { fail(slot) }
        }
    }

    private mutating func wakeBacklog() {
        backlogWakeScheduled = false
        let waiting = backlog
        backlog.removeAll(keepingCapacity: true)
        for slot in waiting { dispatch(slot) }
    }

    // MARK: Backends

    private mutating func startService(_ slot: Int32, on backend: Int) {
        busy[backend] += 1
        let duration = scenario.backends[backend].latency.sample(using: &random)
        events.schedule(.completed(slot: slot), at: now + duration)
    }

    private mutating func connectFailed(_ slot: Int32) {
        guard let ticket = tickets[Int(slot)] else { return }
        tickets[Int(slot)] = nil
        ticket.finish(.connectFailure, at: now)
        connectFailures += 1
        refused[ticket.backend.index] += 1
        attempts[Int(slot)] += 1
        if attempts[Int(slot)] >= scenario.maxAttempts {
            fail(slot)
        } else {
            dispatch(slot)  // nothing was sent: try another backend
        }
    }

    /// The proxy gives up on the request in `slot` (503); a closed-loop client carries on.
    private mutating func fail(_ slot: Int32) {
        failed += 1
        let client = clients[Int(slot)]
        release(slot)
        nextRequest(from: client)
    }

    private mutating func nextRequest(from client: Int32) {
        if client >= 0, case .closedLoop(_, let think) = scenario.arrivals {
            events.schedule(.arrival(client: client), at: now + think.sample(using: &random))
        }
    }

    private mutating func completed(_ slot: Int32) {
        guard let ticket = tickets[Int(slot)] else { return }
        tickets[Int(slot)] = nil
        ticket.finish(.success, at: now)
        let backend = ticket.backend.index
        let latency = now - arrivalTimes[Int(slot)]
        latencies.append(latency)
        served[backend] += 1
        latencySums[backend] += Double(latency)
        let client = clients[Int(slot)]
        release(slot)
        busy[backend] -= 1
        if let next = queues[backend].popFirst() {
            startService(next, on: backend)
        }
        nextRequest(from: client)
    }

    private mutating func release(_ slot: Int32) {
        tickets[Int(slot)] = nil
        freeSlots.append(slot)
    }

    // MARK: Report

    private mutating func report(name: String) -> SimulationReport {
        latencies.sort()
        let completed = latencies.count
        func percentile(_ p: Double) -> Double {
            guard completed > 0 else { return 0 }
            let rank = Int((p * Double(completed)).rounded(.up)) - 1
            return Double(latencies[min(max(rank, 0), completed - 1)])
        }
        let total = latencies.reduce(0.0) { $0 + Double($1) }
        let backends = scenario.backends.indices.map { index in
            SimulationReport.Backend(
                name: scenario.backends[index].name, served: served[index],
                share: completed > 0 ? Double(served[index]) / Double(completed) : 0,
                meanLatency: served[index] > 0 ? latencySums[index] / Double(served[index]) : 0,
                connectFailures: refused[index])
        }
        return SimulationReport(
            balancer: name, completed: completed, meanLatency: completed > 0 ? total / Double(completed) : 0,
            p50Latency: percentile(0.5), p99Latency: percentile(0.99), p999Latency: percentile(0.999),
            maxLatency: Double(latencies.last ?? 0), connectFailures: connectFailures, backlogged: backlogged,
            failed: failed, duration: Double(now), backends: backends)
    }
}

/// A FIFO of request slots (a backend's accept queue): a ring buffer that grows by doubling.
struct SlotQueue {
    private var storage: [Int32] = []
    private var head = 0
    private(set) var count = 0

    mutating func append(_ slot: Int32) {
        if count == storage.count {
            var grown = [Int32](repeating: 0, count: max(storage.count * 2, 16))
            for offset in 0..<count { grown[offset] = storage[(head + offset) % storage.count] }
            storage = grown
            head = 0
        }
        storage[(head + count) % storage.count] = slot
        count += 1
    }

    mutating func popFirst() -> Int32? {
        guard count > 0 else { return nil }
        let slot = storage[head]
        head = (head + 1) % storage.count
        count -= 1
        return slot
    }
}
