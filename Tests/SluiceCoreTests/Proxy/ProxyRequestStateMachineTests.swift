import Testing

@testable import SluiceCore

typealias RequestMachine = ProxyRequestStateMachine

/// Scripts of (time, event, expected action) for one request, on an injected clock (milliseconds).
@Suite struct ProxyRequestStateMachineTests {
    enum Event {
        case start
        case chosen
        case noneUp(recovery: UInt64?, room: Bool = true)
        case waitFired
        case connected(reused: Bool)
        case connectFailed
        case unavailable(RequestMachine.Unavailability)
        case waitTimedOut
        case bodySent
        case head(Int)
        case bodyPart
        case end(reusable: Bool)
        case malformed
        case readTimeout
        case writeTimeout
        case clientClosed
        case backendClosed
    }

    struct Step {
        var at: UInt64
        var event: Event
        var expect: RequestMachine.Action
        init(at: UInt64 = 0, _ event: Event, _ expect: RequestMachine.Action) {
            self.at = at
            self.event = event
            self.expect = expect
        }
    }

    static let configuration = RequestMachine.Configuration(
        maxConnectAttempts: 3, backendWaitLimit: ms(5000), retryAfter: 1)

    @discardableResult
    func run(_ method: String = "GET", body: Bool = false, upgrade: Bool = false,
             configuration: RequestMachine.Configuration = configuration, _ steps: [Step]) -> RequestMachine {
        var machine = RequestMachine(method: method, hasRequestBody: body, isUpgrade: upgrade,
                                     configuration: configuration)
        for (index, step) in steps.enumerated() {
            let now = ms(step.at)
            let action: RequestMachine.Action
            switch step.event {
            case .start: action = machine.start()
            case .chosen: action = machine.backendChosen(now: now)
            case .noneUp(let recovery, let room):
                action = machine.noBackendAvailable(now: now, nextRecovery: recovery.map(ms), backlogHasRoom: room)
            case .waitFired: action = machine.backendWaitTimerFired(now: now)
            case .connected(let reused): action = machine.connected(reused: reused)
            case .connectFailed: action = machine.connectFailed(now: now)
            case .unavailable(let reason): action = machine.connectionUnavailable(reason, now: now)
            case .waitTimedOut: action = machine.connectionWaitTimedOut(now: now)
            case .bodySent: action = machine.requestBodySent()
            case .head(let status): action = machine.responseHead(status: status)
            case .bodyPart: action = machine.responseBodyPart()
            case .end(let reusable): action = machine.responseEnd(reusable: reusable)
            case .malformed: action = machine.malformedResponse()
            case .readTimeout: action = machine.readTimeout()
            case .writeTimeout: action = machine.writeTimeout()
            case .clientClosed: action = machine.clientClosed()
            case .backendClosed: action = machine.backendClosed(now: now)
            }
            #expect(action == step.expect, "step \(index): \(step.event)")
        }
        return machine
    }

    @discardableResult
    func run(_ steps: [Step]) -> RequestMachine {
        run("GET", steps)
    }

    static func pooled(fresh: Bool = false, deadline: UInt64) -> RequestMachine.Action {
        .requestPooledConnection(fresh: fresh, waitDeadline: ms(deadline))
    }
    static func error(_ status: Int, retryAfter: Int? = nil, _ reason: String, ticket: BackendOutcome?,
                      _ connection: RequestMachine.ConnectionDisposition) -> RequestMachine.Action {
        .respond(.init(status: status, retryAfter: retryAfter, reason: reason), .init(ticket: ticket, connection: connection))
    }
    static func close(_ ticket: BackendOutcome?, _ connection: RequestMachine.ConnectionDisposition) -> RequestMachine.Action {
        .closeClient(.init(ticket: ticket, connection: connection))
    }

    @Test func plainExchange() {
        let machine = run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(at: 10, .chosen, Self.pooled(deadline: 5010)),
            Step(.connected(reused: true), .sendRequestHead),
            Step(.head(200), .forwardResponseHead),
            Step(.bodyPart, .forwardResponseBodyPart),
            Step(.bodyPart, .forwardResponseBodyPart),
            Step(.end(reusable: true), .finishResponse(backendReusable: true, closeClient: false)),
            Step(.backendClosed, .none),
            Step(.clientClosed, .none),
        ])
        #expect(machine.isFinished)
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: false), .sendRequestHead),
            Step(.head(204), .forwardResponseHead),
            Step(.end(reusable: false), .finishResponse(backendReusable: false, closeClient: false)),
        ])
    }

    @Test func requestBodyAndEarlyResponses() {
        run("POST", body: true, [
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: false), .sendRequestHead),
            Step(.bodySent, .none),
            Step(.head(201), .forwardResponseHead),
            Step(.end(reusable: true), .finishResponse(backendReusable: true, closeClient: false)),
        ])
        // The backend answers before reading the body: neither connection can carry another request.
        run("POST", body: true, [
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: false), .sendRequestHead),
            Step(.head(413), .forwardResponseHead),
            Step(.end(reusable: true), .finishResponse(backendReusable: false, closeClient: true)),
        ])
        // ... unless the body was all sent by the time the response ended.
        run("POST", body: true, [
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: false), .sendRequestHead),
            Step(.head(401), .forwardResponseHead),
            Step(.bodySent, .none),
            Step(.end(reusable: true), .finishResponse(backendReusable: true, closeClient: false)),
        ])
    }

    @Test func connectFailuresTryOtherBackendsThen503() {
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.unavailable(.backendFailed), .chooseBackend(finishing: .abandoned)),
            Step(at: 1, .chosen, Self.pooled(deadline: 5001)),
            Step(.unavailable(.backendFailed), .chooseBackend(finishing: .abandoned)),
            Step(at: 2, .chosen, Self.pooled(deadline: 5002)),
            Step(.unavailable(.backendFailed), Self.error(
                503, retryAfter: 1, "no backend accepted a connection after 3 attempts", ticket: .abandoned, .none)),
        ])
        // Upgrades connect on their own: the failed connect is this request's.
        run(upgrade: true, [
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, .openDedicatedConnection),
            Step(.connectFailed, .chooseBackend(finishing: .connectFailure)),
            Step(.chosen, .openDedicatedConnection),
            Step(.connected(reused: false), .sendRequestHead),
            Step(.head(101), .startTunnel),
            Step(.readTimeout, .none),  // quiet WebSockets are normal
            Step(.bodyPart, .none),
            Step(.backendClosed, Self.close(.success, .release(reusable: false))),
        ])
    }

    @Test func noBackendUpWaitsInTheBacklogThen503() {
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(at: 100, .noneUp(recovery: 1100), .waitForBackend(until: ms(1100))),
            Step(at: 1100, .waitFired, .chooseBackend(finishing: nil)),
            // Still none (the recovered one refused again): wait again, never past the limit from the first wait.
            Step(at: 1100, .noneUp(recovery: 9000), .waitForBackend(until: ms(5100))),
            Step(at: 5100, .waitFired, .chooseBackend(finishing: nil)),
            Step(at: 5100, .noneUp(recovery: 6600), Self.error(
                503, retryAfter: 2, "no backend came up in time", ticket: nil, .none)),
        ])
        // The backend comes back: the wait is over, the exchange goes on.
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.noneUp(recovery: nil), .waitForBackend(until: ms(5000))),  // down until an active check passes
            Step(at: 5000, .waitFired, .chooseBackend(finishing: nil)),
            Step(at: 5000, .chosen, Self.pooled(deadline: 10000)),
            Step(.connected(reused: false), .sendRequestHead),
        ])
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.noneUp(recovery: 300, room: false), Self.error(
                503, retryAfter: 1, "no backend is up and the backlog is full", ticket: nil, .none)),
        ])
    }

    @Test func aReusedConnectionClosedBeforeAnswering() {
        // Idempotent and body-less: once more on a fresh connection.
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: true), .sendRequestHead),
            Step(at: 7, .backendClosed, Self.pooled(fresh: true, deadline: 5007)),
            Step(.connected(reused: false), .sendRequestHead),
            // The fresh connection closed too: the backend is failing; another one is chosen.
            Step(.backendClosed, .chooseBackend(finishing: .failure)),
        ])
        // Only once, even when the retry got a reused connection.
        run("DELETE", [
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: true), .sendRequestHead),
            Step(.backendClosed, Self.pooled(fresh: true, deadline: 5000)),
            Step(.connected(reused: true), .sendRequestHead),
            Step(.backendClosed, .chooseBackend(finishing: .failure)),
        ])
    }

    @Test(arguments: [
        ("POST", false, true),  // never retried
        ("PUT", true, true),  // idempotent, but its body is gone
        ("POST", false, false),  // a fresh connection, and not idempotent
    ])
    func noReplay(_ c: (String, Bool, Bool)) {
        run(c.0, body: c.1, [
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: c.2), .sendRequestHead),
            Step(.backendClosed, Self.error(
                502, "the backend closed the connection before answering", ticket: .failure, .release(reusable: false))),
        ])
    }

    @Test func aFreshConnectionClosedBeforeAnsweringTriesAnotherBackend() {
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: false), .sendRequestHead),
            Step(.backendClosed, .chooseBackend(finishing: .failure)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: false), .sendRequestHead),
        ])
    }

    @Test func failuresAfterTheResponseStartedCloseTheClient() {
        for failure in [Event.backendClosed, .readTimeout, .malformed] {
            run([
                Step(.start, .chooseBackend(finishing: nil)),
                Step(.chosen, Self.pooled(deadline: 5000)),
                Step(.connected(reused: true), .sendRequestHead),
                Step(.head(200), .forwardResponseHead),
                Step(.bodyPart, .forwardResponseBodyPart),
                Step(failure, Self.close(.failure, .release(reusable: false))),
                Step(.end(reusable: true), .none),
            ])
        }
    }

    @Test func failuresBeforeTheResponse() {
        let prefix = [
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: false), .sendRequestHead),
        ]
        run(prefix + [Step(.readTimeout, Self.error(
            504, "the backend did not answer in time", ticket: .failure, .release(reusable: false)))])
        run(prefix + [Step(.malformed, Self.error(
            502, "malformed response from the backend", ticket: .failure, .release(reusable: false)))])
        run(prefix + [Step(.head(101), Self.error(
            502, "the backend switched protocols unasked", ticket: .failure, .release(reusable: false)))])
        run(prefix + [Step(.writeTimeout, .none)])  // nothing left to write
        run("PUT", body: true, prefix + [Step(.writeTimeout, Self.error(
            504, "the backend did not read the request in time", ticket: .failure, .release(reusable: false)))])
        run("PUT", body: true, prefix + [
            Step(.head(200), .forwardResponseHead),
            Step(.writeTimeout, Self.close(.failure, .release(reusable: false))),
        ])
    }

    @Test func interimResponses() {
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: false), .sendRequestHead),
            Step(.head(100), .none),
            Step(.head(103), .forwardInterimResponse),
            Step(.head(200), .forwardResponseHead),
            Step(.end(reusable: true), .finishResponse(backendReusable: true, closeClient: false)),
        ])
    }

    @Test func aDeclinedUpgradeIsAPlainResponseOnAConnectionNeverPooled() {
        run(upgrade: true, [
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, .openDedicatedConnection),
            Step(.connected(reused: false), .sendRequestHead),
            Step(.head(426), .forwardResponseHead),
            Step(.end(reusable: true), .finishResponse(backendReusable: false, closeClient: false)),
        ])
    }

    @Test func waitingForAPooledConnection() {
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(at: 5000, .waitTimedOut, Self.error(
                503, retryAfter: 1, "no backend connection became free in time", ticket: .abandoned, .cancelWait)),
        ])
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.unavailable(.backlogFull), Self.error(
                503, retryAfter: 1, "the backend's backlog is full", ticket: .abandoned, .none)),
        ])
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: false), .sendRequestHead),
            Step(at: 5000, .waitTimedOut, .none),  // a timer that lost the race
        ])
    }

    @Test func theClientLeaving() {
        run([Step(.start, .chooseBackend(finishing: nil)), Step(.clientClosed, Self.close(nil, .none))])
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.noneUp(recovery: 100), .waitForBackend(until: ms(100))),
            Step(.clientClosed, Self.close(nil, .none)),
            Step(at: 100, .waitFired, .none),
        ])
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.clientClosed, Self.close(.abandoned, .cancelWait)),
            Step(.connected(reused: false), .none),
        ])
        run(upgrade: true, [
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, .openDedicatedConnection),
            Step(.clientClosed, Self.close(.abandoned, .none)),
        ])
        run([
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, Self.pooled(deadline: 5000)),
            Step(.connected(reused: false), .sendRequestHead),
            Step(.head(200), .forwardResponseHead),
            Step(.clientClosed, Self.close(.abandoned, .release(reusable: false))),
        ])
        run(upgrade: true, [
            Step(.start, .chooseBackend(finishing: nil)),
            Step(.chosen, .openDedicatedConnection),
            Step(.connected(reused: false), .sendRequestHead),
            Step(.head(101), .startTunnel),
            Step(.clientClosed, Self.close(.success, .release(reusable: false))),
        ])
    }

    @Test(arguments: [("GET", true), ("HEAD", true), ("OPTIONS", true), ("TRACE", true), ("PUT", true),
                      ("DELETE", true), ("POST", false), ("PATCH", false), ("CONNECT", false), ("get", false)])
    func idempotentMethods(_ c: (String, Bool)) {
        #expect(RequestMachine.isIdempotent(c.0) == c.1)
    }

    @Test func configurationFromProxyOptions() {
        var proxy = ResolvedProxy()
        #expect(RequestMachine.Configuration(proxy, backendCount: 1)
                == RequestMachine.Configuration(maxConnectAttempts: 5, backendWaitLimit: ms(5000), retryAfter: 1))
        proxy.connectTimeout = 2
        proxy.disableTime = 0
        #expect(RequestMachine.Configuration(proxy, backendCount: 8)
                == RequestMachine.Configuration(maxConnectAttempts: 16, backendWaitLimit: ms(2000), retryAfter: 1))
    }
}
