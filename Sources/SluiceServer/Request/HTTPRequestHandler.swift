import Glibc
import LighttpdConfig
import Logging
import NIOCore
import NIOHTTP1
import SluiceCore

/// Runs the stages for each request of one client connection: route (conditions, rewrite, redirect), then
/// auth, then the proxy or static files, and writes the answer. The decisions are SluiceCore's; this
/// handler turns them into writes.
final class HTTPRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    enum State {
        case idle
        /// The answer was decided at the head; body parts are read and dropped until `.end`.
        case discardingBody
        /// A file body is being written (for TLS, or waiting for writability).
        case sendingFile(FileBodyWriter)
        /// The request is proxied; its body parts go to the exchange.
        case proxying(ProxyExchange)
        /// The connection became a WebSocket tunnel.
        case tunnelling
    }

    let runtime: SiteRuntime
    let connection: ConnectionInfo
    let limits: ConnectionLimits
    var state = State.idle
    var requestCount = 0
    var dates = DateHeaderCache()
    /// The request being answered, for the access log.
    var current: RequestRecord?
    /// Reads from the client are held (its body waits for the backend: back-pressure).
    var readsPaused = false
    var pendingRead = false
    /// This event loop's stat cache and small-file bytes, taken on the first static request.
    var fileCache: StaticFileCache?
    /// The backend read timeout of this connection's proxied requests (made by the first).
    var backendReadTimer: ReadDeadlineTimer?
    /// The listening socket's address as text (`SERVER_ADDR` for FastCGI/SCGI backends), formatted once per
    /// connection when first needed (formatting an address costs more than the rest of the variables).
    var serverAddressText: String??
    /// The codec right below, when there is one (not in handler tests): proxied responses are written to it
    /// directly (`HTTP1ServerCodec+DirectWrites`). Strong and cleared when this handler leaves the pipeline (see
    /// `HTTP1ServerCodec.receiver`).
    var codec: HTTP1ServerCodec?
    /// Its own context while in the pipeline, for parts the codec hands over as calls (`receive`).
    private var ownContext: ChannelHandlerContext?

    init(runtime: SiteRuntime, connection: ConnectionInfo, limits: ConnectionLimits) {
        self.runtime = runtime
        self.connection = connection
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        ownContext = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        ownContext = nil
        codec = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        handle(unwrapInboundIn(data), context: context)
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            requestHead(head, context: context)
        case .body(let buffer):
            if case .proxying(let exchange) = state { exchange.clientBody(buffer) }
        case .end:
            switch state {
            case .discardingBody: state = .idle
            case .proxying(let exchange): exchange.clientEnd()
            default: break
            }
        }
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            pendingRead = true
        } else {
            context.read()
        }
    }

    func setClientReadsPaused(_ paused: Bool, context: ChannelHandlerContext) {
        readsPaused = paused
        if !paused && pendingRead {
            pendingRead = false
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            switch state {
            case .sendingFile(let writer): writer.resume(context: context)
            case .proxying(let exchange): exchange.clientWritable()
            default: break
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .sendingFile(let writer): writer.abandon()
        case .proxying(let exchange): exchange.clientClosed()
        default: break
        }
        state = .idle
        backendReadTimer?.stop()
        context.fireChannelInactive()
    }

    /// Refused requests are answered by `HTTP1ServerCodec`; anything reaching here is a
    /// connection-level failure (TLS, I/O).
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        runtime.errorLog.debug("connection from \(connection.remoteText): \(error)")
        context.close(promise: nil)
    }

    private func requestHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        requestCount += 1
        let keepAlive =
            head.isKeepAlive && limits.maxKeepAliveRequests > 0 && requestCount < limits.maxKeepAliveRequests
        let host = (head.headers.first(name: "Host") ?? "").lowercased()
        var client = connection.remoteAddress
        var scheme = connection.scheme
        if let policy = runtime.site.options[0].extForward,
            let forwarded = policy.clientAddress(peer: client, headers: head.headers)
        {
            // mod_extforward: a trusted proxy tells who the client is (and over which scheme it came).
            client = forwarded
            if let proto = head.headers.first(name: "X-Forwarded-Proto")?.lowercased(), proto == "https" || proto == "http" {
                scheme = proto
            }
        }
        let facts = RequestFacts(
            method: head.method.rawValue, target: Array(head.uri.utf8), host: host, scheme: scheme,
            remoteAddress: client, localPort: connection.localPort, socketBlocks: connection.socketBlocks)
        current = RequestRecord(head: head, started: NIODeadline.now())
        if client != connection.remoteAddress { current?.client = client?.description }
        state = .discardingBody
        let routed = runtime.router.route(facts, headers: head.headers, isRegularFile: { [runtime] path, active in
            // url.rewrite-if-not-file asks through this loop's stat cache, as the static stage will.
            StaticRouting.isRegularFile(
                path: path, site: runtime.site, active: active,
                fileSystem: self.staticFileCache(context).fileSystem(now: Int64(time(nil))))
        })
        current?.routed = routed
        var head = head
        let files = routed.options.files
        if !files.setRequestHeaders.isEmpty || !files.addRequestHeaders.isEmpty {
            // mod_setenv: the request as static files, auth and the backend see it.
            for pair in files.setRequestHeaders {
                head.headers.remove(name: pair.key)
                if !pair.value.isEmpty { head.headers.add(name: pair.key, value: pair.value) }
            }
            for pair in files.addRequestHeaders { head.headers.add(name: pair.key, value: pair.value) }
            current?.head = head
        }
        switch routed.outcome {
        case .fail(let status, let reason):
            runtime.errorLog.info("\(head.method.rawValue) \(head.uri): \(status): \(reason)")
            sendError(HTTPResponseStatus(statusCode: status), head: head, keepAlive: keepAlive, context: context)
        case .redirect(let status, let location):
            sendRedirect(
                HTTPResponseStatus(statusCode: status), location: String(decoding: location, as: UTF8.self),
                head: head, keepAlive: keepAlive, context: context)
        case .proceed:
            proceed(routed, head: head, keepAlive: keepAlive, context: context)
        }
    }

    private func proceed(_ routed: RoutedRequest, head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext) {
        let options = routed.options
        // Every path the request had before a -if-not-file rewrite is checked as well as the final one; with no
        // rule anywhere, none is.
        let checks =
            routed.authCheckpoints.isEmpty && options.authPolicy == nil && options.files.accessRules.isEmpty
            ? 0 : routed.checkpointCount
        // mod_access first: a denied path gets 403 whether or not the client could authenticate.
        for index in 0..<checks {
            let (path, checked) = routed.checkpoint(index)
            guard checked.files.accessRules.isEmpty || checked.files.accessRules.permits(path: path) else {
                runtime.errorLog.info("\(head.method.rawValue) \(head.uri): 403: url.access-deny / url.access-allow")
                sendError(.forbidden, head: head, keepAlive: keepAlive, context: context)
                return
            }
        }
        for index in 0..<checks {
            let (path, checked) = routed.checkpoint(index)
            guard let policy = checked.authPolicy else { continue }
            let verifier: any CredentialVerifier =
                checked.files.userFilePath.flatMap { runtime.site.userFiles[$0] } ?? NoUsers()
            switch policy.decide(
                path: String(decoding: path, as: UTF8.self),
                authorization: head.headers.first(name: "Authorization"), verifier: verifier)
            {
            case .unprotected:
                break
            case .allowed(let user):
                current?.user = user
            case .challenge(let challenge):
                sendChallenge(challenge, head: head, keepAlive: keepAlive && !challenge.closesConnection, context: context)
                return
            }
        }
        if let statusURL = options.files.statusURL, routed.path.elementsEqual(statusURL.utf8) {
            sendStatus(routed, head: head, keepAlive: keepAlive, context: context)
            return
        }
        if options.proxy.backends != nil {
            proxyRequest(routed, head: head, keepAlive: keepAlive, context: context)
            return
        }
        serveStatic(routed, head: head, keepAlive: keepAlive, context: context)
    }
}

/// What the access log needs about the request being answered.
struct RequestRecord {
    var head: HTTPRequestHead
    var started: NIODeadline
    var routed: RoutedRequest?
    var user: String?
    /// The client named by a trusted proxy (mod_extforward), for the access log.
    var client: String?
    var physicalPath: String?
    var status = 0
    var bodyBytes: Int64 = 0
    var responseHeaders = HTTPHeaders()
}

extension HTTPRequestHandler: HTTP1RequestReceiver {
    func receive(_ part: HTTPServerRequestPart) -> Bool {
        guard let context = ownContext else { return false }
        handle(part, context: context)
        return true
    }
}
