import LighttpdConfig
import NIOCore
import NIOHTTP1
import SluiceCore

/// One proxied request, from choosing a backend to the last byte of the answer. Confined to the client
/// connection's event loop. The decisions (which failure gives which status, when to retry, when a
/// connection may be reused) are `ProxyRequestStateMachine`'s; this class runs its actions: balancer,
/// pool, upstream writes, client writes, timers.
final class ProxyExchange {
    typealias Machine = ProxyRequestStateMachine

    /// Not retained (the handler owns the exchange). `unowned(unsafe)` is sound: `context` below is the handler's
    /// own context, which keeps its handler for as long as it lives, and the exchange keeps `context`. A checked
    /// `unowned` cost an unowned-retain and a release on every use, several times per request.
    unowned(unsafe) let handler: HTTPRequestHandler
    let context: ChannelHandlerContext
    let route: ProxyRoute
    let routed: RoutedRequest
    let clientHead: HTTPRequestHead
    let clientKeepAlive: Bool
    let backendTarget: BackendTarget
    var machine: Machine
    let balancing: BalancingRequest
    /// How the body goes to the backend; a chunked body to a FastCGI or SCGI backend becomes `.length` once read.
    var bodyFraming: RequestBodyFraming
    /// A chunked body for a FastCGI or SCGI backend is being read whole before a backend is chosen: those
    /// protocols state the length first (`BackendProtocol.needsContentLength`). One buffer, not the client's
    /// chunks: a body of tiny chunks must not cost a slice (and later a record) per chunk.
    var collectingBody = false
    var collectedBody = ByteBuffer()
    /// The most a body of unknown length may hold when a FastCGI or SCGI backend needs its length first: read
    /// into memory, not streamed. Longer ones are refused with 413 (a client that sends `Content-Length`
    /// streams any size).
    static let collectedBodyLimit = 16 << 20

    var ticket: BackendTicket?
    var inBacklog = false
    var lease: (pool: UpstreamPool, id: UpstreamPoolStateMachine.RequestID)?
    var connection: UpstreamConnection?
    /// The pool `connection` came from (nil for a dedicated connection).
    var connectionPool: UpstreamPool?
    var dedicated = false
    /// Client body parts that arrived before a connection was ready (reads are paused meanwhile).
    var pendingBody: [ByteBuffer] = []
    var clientEnded = false
    var requestSent = false
    var responseHead: UpstreamResponseHead?
    var bodyBytesSent: Int64 = 0
    /// The wait timer (backend recovery, pool wait). One timer runs at a time: arming either kind cancels
    /// the other.
    var timer: Scheduled<Void>?
    /// What went wrong with the current backend connection (a malformed response, a lost connection), told
    /// once: with the replay or failover it leads to, or in the final error line. (Connect failures are logged
    /// where they happen: by the pool, or by the dedicated connect.)
    var failureCause: String?
    /// The client went away: what follows is no backend failure.
    var clientGone = false
    /// The `Host` sent in place of the client's (`chooseSentHost`), kept for the reverse map.
    var sentHost: (host: String, byRequestMap: Bool)?
    /// `proxy-core.write-timeout`: armed while the upstream connection refuses more of the request body.
    var writeTimer: Scheduled<Void>?
    var finished = false
    /// `X-Sendfile` from the backend (with `proxy-core.allow-x-sendfile`): its body is dropped and this file
    /// is served instead.
    var xSendfile: (path: String, contentType: String?)?

    init(handler: HTTPRequestHandler, context: ChannelHandlerContext, route: ProxyRoute, routed: RoutedRequest,
         target: BackendTarget, head: HTTPRequestHead, keepAlive: Bool) {
        self.handler = handler
        self.context = context
        self.route = route
        self.routed = routed
        self.clientHead = head
        self.clientKeepAlive = keepAlive
        self.backendTarget = target
        // With `"upgrade" => "disable"` (proxy.header or a proxy.server host) an upgrade request goes on as a
        // plain one.
        let upgrade =
            routed.options.proxy.allowsUpgrade && route.backendProtocol.tunnels
            && ForwardedRequestHeaders.isWebSocketUpgrade(
                method: head.method.rawValue, isHTTP11OrLater: head.version.minor >= 1, headers: head.headers)
        if let length = head.headers.first(name: "Content-Length").flatMap(Int.init) {
            bodyFraming = length > 0 ? .length(length) : .none
        } else if head.headers.contains(name: "Transfer-Encoding") {
            bodyFraming = .chunked
        } else {
            bodyFraming = .none
        }
        let hasBody: Bool
        if case .none = bodyFraming { hasBody = false } else { hasBody = true }
        machine = Machine(
            method: head.method.rawValue, hasRequestBody: hasBody, isUpgrade: upgrade,
            configuration: .init(routed.options.proxy, backendCount: route.pools.count))
        // Only `sticky` reads the client's address, and formatting it costs more than the rest of this init; only
        // `hash` reads the host and path, which as a string is an allocation.
        let clientAddress =
            route.balancesByClientAddress
            ? routed.facts.remoteAddress.map { ClientAddressKey(bytes: $0.description.utf8) } ?? .unknown : .unknown
        balancing =
            route.balancesByHostAndPath
            ? BalancingRequest(
                host: Substring(routed.facts.host), target: Substring(decoding: routed.facts.rawPath, as: UTF8.self),
                clientAddress: clientAddress)
            : BalancingRequest(clientAddress: clientAddress)
    }

    var now: UInt64 { NIODeadline.now().uptimeNanoseconds }

    func start() {
        if route.backendProtocol.needsContentLength, case .chunked = bodyFraming {
            collectingBody = true
            return
        }
        run(machine.start())
    }

    // MARK: Client side events (client loop)

    func clientBody(_ buffer: ByteBuffer) {
        if collectingBody {
            collect(buffer)
            return
        }
        if let connection, requestSent {
            connection.writeBody(buffer, flush: true)
            if !connection.channel.isWritable {
                handler.setClientReadsPaused(true, context: context)
                armWriteTimer()
            }
        } else {
            pendingBody.append(buffer)
            handler.setClientReadsPaused(true, context: context)
        }
    }

    func clientEnd() {
        clientEnded = true
        if collectingBody {
            finishCollecting()
            return
        }
        if let connection, requestSent {
            connection.writeEnd()
            armReadTimer()
            run(machine.requestBodySent())
        }
    }

    func clientClosed() {
        guard !finished else { return }
        clientGone = true
        run(machine.clientClosed())
    }

    /// The client can take more: resume reading the backend.
    func clientWritable() {
        guard let connection else { return }
        hop(connection.eventLoop) { connection.setReadsPaused(false) }
    }

    // MARK: Actions

    func run(_ action: Machine.Action, body: ByteBuffer? = nil) {
        switch action {
        case .none:
            break
        case .chooseBackend(let finishing):
            if let cause = failureCause {
                handler.runtime.errorLog.warning(
                    "\(clientHead.method.rawValue) \(clientHead.uri): backend \(backendName): \(cause); trying another backend")
                failureCause = nil
            }
            if let finishing { finishTicket(finishing) }
            dropDeadConnection()
            chooseBackend()
        case .waitForBackend(let until):
            if !inBacklog { inBacklog = route.backlog.tryEnter() }
            schedule(at: until) { [self] in run(machine.backendWaitTimerFired(now: now)) }
        case .requestPooledConnection(let fresh, let waitDeadline):
            if fresh, let cause = failureCause {
                handler.runtime.errorLog.warning(
                    "\(clientHead.method.rawValue) \(clientHead.uri): backend \(backendName): \(cause); replayed on a fresh connection")
                failureCause = nil
            }
            dropDeadConnection()
            requestConnection(fresh: fresh, waitDeadline: waitDeadline)
        case .openDedicatedConnection:
            openDedicatedConnection()
        case .sendRequestHead:
            sendRequestHead()
        case .forwardInterimResponse:
            // No 1xx ever goes to an HTTP/1.0 client (RFC 9110 §15.2).
            if let head = responseHead, clientHead.version.minor >= 1 || clientHead.version.major > 1 {
                // A 103's `Link` fields pass; hop-by-hop fields (a backend's `Connection`) do not.
                let fields = ProxiedResponseHeaders.build(head.headers, tunnel: false, reverseMapper: nil)
                handler.writeInterim(
                    HTTPResponseHead(version: head.version, status: head.status, headers: HTTPHeaders(fields)),
                    context: context)
            }
        case .forwardResponseHead:
            forwardResponseHead()
        case .forwardResponseBodyPart:
            if let body, xSendfile == nil {
                bodyBytesSent += Int64(body.readableBytes)
                handler.writeProxiedBody(body, context: context)
                if !context.channel.isWritable, let connection {
                    hop(connection.eventLoop) { connection.setReadsPaused(true) }
                }
            }
        case .startTunnel:
            startTunnel()
        case .finishResponse(let backendReusable, let closeClient):
            finished = true
            leaveBacklog()
            finishTicket(.success)
            releaseConnection(reusable: backendReusable)
            if let file = xSendfile {
                handler.serveXSendfile(
                    path: file.path, contentType: file.contentType, routed: routed, keepAlive: clientKeepAlive && !closeClient,
                    context: context)
                return
            }
            let keepAlive = clientKeepAlive && !closeClient && responseFramed
            handler.finishProxied(
                status: responseHead?.status ?? .ok, bodyBytes: bodyBytesSent, keepAlive: keepAlive, context: context)
        case .respond(let error, let cleanup):
            finished = true
            // One line per failure: the status, and the backend and its cause when one was involved (read before
            // the cleanup gives the ticket back).
            let backend = ticket.map { " (backend \($0.backend.name)\(failureCause.map { ": " + $0 } ?? ""))" } ?? ""
            self.cleanup(cleanup)
            handler.errorLog("\(clientHead.method.rawValue) \(clientHead.uri): \(error.status) \(error.reason)\(backend)")
            handler.proxyFailed(
                HTTPResponseStatus(statusCode: error.status), retryAfter: error.retryAfter, keepAlive: clientKeepAlive,
                context: context)
        case .closeClient(let cleanup):
            finished = true
            let backend = backendName, cause = failureCause.map { " (\($0))" } ?? ""
            self.cleanup(cleanup)
            // A client that left is no backend failure (lighttpd logs nothing either).
            if !clientGone {
                handler.errorLog(
                    "\(clientHead.method.rawValue) \(clientHead.uri): backend \(backend) failed mid-response\(cause); closing the client connection")
            }
            handler.abortProxied(context: context)
        }
    }

    var backendName: String { ticket?.backend.name ?? "(none)" }

    /// A client that cannot be told where the body ends (HTTP/1.0 without Content-Length) learns it from the close.
    var responseFramed: Bool {
        clientHead.version.minor >= 1 || responseHead?.contains(.contentLength) == true
    }

    func chooseBackend() {
        guard let ticket = route.group.begin(for: balancing, now: now) else {
            run(machine.noBackendAvailable(
                now: now, nextRecovery: route.group.nextRecovery(after: now),
                backlogHasRoom: inBacklog || route.backlog.hasRoom))
            return
        }
        self.ticket = ticket
        run(machine.backendChosen(now: now))
    }

    func sendRequestHead() {
        guard let connection else { return }
        sentHost = chooseSentHost()
        let forwarding = ForwardingContext(
            // X-Forwarded-For ends with the connection's own peer (with mod_extforward, the trusted proxy).
            peer: handler.connection.peer, scheme: routed.facts.scheme,
            host: clientHead.headers.first(name: "Host"), prefix: backendTarget.forwardedPrefix,
            remoteUser: handler.current?.user, backendHost: sentHost?.host)
        let fields = ForwardedRequestHeaders.build(
            clientHead.headers, method: clientHead.method.rawValue, body: bodyFraming, tunnel: machine.isUpgrade,
            context: forwarding, options: .init(routed, site: handler.runtime.site))
        let bytes =
            route.backendProtocol == .http
            ? UpstreamRequestHead.encode(
                method: clientHead.method.rawValue, target: backendTarget.target, fields: fields,
                allocator: context.channel.allocator)
            : cgiRequestHead(fields: fields)
        var chunked = false
        if case .chunked = bodyFraming { chunked = true }
        connection.writeHead(bytes, request: clientHead, chunked: chunked, flush: false)
        requestSent = true
        for buffer in pendingBody { connection.writeBody(buffer, flush: false) }
        pendingBody.removeAll()
        handler.setClientReadsPaused(false, context: context)
        if clientEnded {
            connection.writeEnd()
            armReadTimer()
            run(machine.requestBodySent())
        } else if bodyFraming != .none || machine.isUpgrade {
            // A plain request without a body is flushed by its `.end`, which the client's decoder delivers
            // right after the head; one with a body (or an upgrade) goes at once.
            connection.flush()
        }
    }

    func forwardResponseHead() {
        guard let head = responseHead else { return }
        if routed.options.proxy.allowXSendfile, head.status.code == 200,
            let path = head.first(.xSendfile) ?? head.first(.xLighttpdSendFile)
        {
            xSendfile = (path, head.first(.contentType))
            return
        }
        // The common case: the fields pass as bytes, the mapper made only for a field it works on.
        if handler.encodesProxiedHead(head, routed: routed) {
            handler.writeEncodedProxiedHead(
                head, keepAlive: clientKeepAlive && responseFramed, mapper: { self.reverseMapper() }, context: context)
            return
        }
        // The mapper and the rewrite context are made only for a response that has a field they work on.
        let fields = ProxiedResponseHeaders.build(
            head.headers, tunnel: false, makeReverseMapper: { self.reverseMapper() },
            rewrites: routed.options.proxy.responseHeaderRewrites,
            makeRewriteContext: {
                RewriteContext(
                    self.routed, site: self.handler.runtime.site, block: self.routed.options.proxy.responseHeaderRewritesBlock)
            })
        handler.writeProxiedHead(status: head.status, fields: fields, keepAlive: clientKeepAlive && responseFramedAfter(fields), context: context)
    }

    func responseFramedAfter(_ fields: [(String, String)]) -> Bool {
        clientHead.version.minor >= 1 || fields.contains { $0.0.lowercased() == "content-length" }
    }

    func startTunnel() {
        guard let connection, let head = responseHead else { return }
        finished = true
        cancelTimers()
        leaveBacklog()
        let fields = ProxiedResponseHeaders.build(head.headers, tunnel: true, reverseMapper: nil)
        handler.startTunnel(status: head.status, fields: fields, upstream: connection, context: context) { [self] in
            finishTicket(.success)
        }
    }

    func cleanup(_ cleanup: Machine.Cleanup) {
        cancelTimers()
        leaveBacklog()
        if let outcome = cleanup.ticket { finishTicket(outcome) }
        switch cleanup.connection {
        case .none:
            if let connection, dedicated { connection.channel.close(promise: nil) }
        case .cancelWait:
            if let lease { lease.pool.cancel(lease.id) }
            lease = nil
        case .release(let reusable):
            releaseConnection(reusable: reusable)
        }
    }

    func finishTicket(_ outcome: BackendOutcome) {
        _ = ticket?.finish(outcome, at: now)
        ticket = nil
    }

    func leaveBacklog() {
        if inBacklog {
            route.backlog.leave()
            inBacklog = false
        }
    }
}
