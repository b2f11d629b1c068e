import NIOCore
import NIOHTTP1
import SluiceCore

extension HTTPRequestHandler {
    func errorLog(_ message: String) {
        runtime.errorLog.error("\(message)")
    }

    /// Starts the proxy stage for a request whose options name backends.
    func proxyRequest(_ routed: RoutedRequest, head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext) {
        guard let key = routed.options.proxy.routeKey, let route = runtime.proxyRoutes[key] else {
            errorLog("\(head.uri): no backend group for \(String(describing: routed.options.proxy.routeKey))")
            sendError(.internalServerError, head: head, keepAlive: keepAlive, context: context)
            return
        }
        let target: BackendTarget
        do {
            target = try BackendTarget.resolve(routed, site: runtime.site)
        } catch {
            errorLog("\(head.uri): \(error)")
            sendError(HTTPResponseStatus(statusCode: error.status), head: head, keepAlive: keepAlive, context: context)
            return
        }
        // An HTTP/1.0 client's 100-continue is ignored (RFC 9110 §10.1.1): no 1xx goes to it (§15.2).
        if head.version.minor >= 1, head.headers.first(name: "Expect")?.lowercased() == "100-continue" {
            // The backend never sees Expect (lighttpd drops it too); Sluice asks for the body itself.
            writeInterim(HTTPResponseHead(version: head.version, status: .continue), context: context)
        }
        let exchange = ProxyExchange(
            handler: self, context: context, route: route, routed: routed, target: target, head: head,
            keepAlive: keepAlive)
        state = .proxying(exchange)
        exchange.start()
    }

    func proxyReadTimer(on eventLoop: EventLoop) -> ReadDeadlineTimer {
        if let backendReadTimer { return backendReadTimer }
        let timer = ReadDeadlineTimer(eventLoop: eventLoop)
        backendReadTimer = timer
        return timer
    }

    func writeInterim(_ head: HTTPResponseHead, context: ChannelHandlerContext) {
        var interim = head
        interim.version = current?.head.version ?? .http1_1
        context.writeAndFlush(wrapOutboundOut(.head(interim)), promise: nil)
    }

    /// Whether the backend's head can go to the client as bytes (`ResponseHeadBuilder.encodeProxied`): not with
    /// header rewrite rules or `set-response-header`, not when the access log needs the response's fields, not
    /// when its `Connection` names fields, not without the codec below.
    func encodesProxiedHead(_ head: UpstreamResponseHead, routed: RoutedRequest) -> Bool {
        guard codec != nil, !head.connectionNamesFields, routed.options.proxy.responseHeaderRewrites.isEmpty,
            routed.options.files.setResponseHeaders.isEmpty
        else { return false }
        return routed.options.files.accessLogFile == nil || !routed.options.files.accessLogFormat.usesResponseHeaders
    }

    /// The backend's response head, encoded from its field lines, to the codec.
    func writeEncodedProxiedHead(
        _ head: UpstreamResponseHead, keepAlive: Bool, mapper: () -> ReverseMapper?, context: ChannelHandlerContext
    ) {
        let version = current?.head.version ?? .http1_1
        let encoded = headBuilder.encodeProxied(
            head, version: version, keepAlive: keepAlive, mapper: mapper, allocator: context.channel.allocator)
        // Flushed when the backend read that carried it completes (`ProxyExchange.upstreamReadComplete`).
        codec?.writeEncodedHead(encoded, version: version.major == 1 ? version : .http1_1)
    }

    func writeProxiedBody(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        if let codec {
            codec.writeBodyDirect(bytes)
        } else {
            context.write(wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil)
        }
    }

    func flushProxied(context: ChannelHandlerContext) {
        if let codec {
            codec.flushDirect()
        } else {
            context.flush()
        }
    }

    /// The backend's response head, its fields already cleaned and reverse-mapped.
    func writeProxiedHead(
        status: HTTPResponseStatus, fields: [(String, String)], keepAlive: Bool, context: ChannelHandlerContext
    ) {
        let builder = headBuilder
        let head = builder.head(
            status: status, version: current?.head.version ?? .http1_1, fieldList: fields, keepAlive: keepAlive,
            keepingOrigin: true)
        current?.responseHeaders = head.headers
        // Flushed when the backend read that carried it completes (`ProxyExchange.upstreamReadComplete`).
        context.write(wrapOutboundOut(.head(head)), promise: nil)
    }

    func finishProxied(status: HTTPResponseStatus, bodyBytes: Int64, keepAlive: Bool, context: ChannelHandlerContext) {
        state = .discardingBody
        readsPaused = false
        finish(status: status, headers: current?.responseHeaders ?? HTTPHeaders(), bodyBytes: bodyBytes,
               keepAlive: keepAlive, context: context)
        // The next pipelined request, delivered inside `finish`/`sendError`, may have paused reads again.
        if pendingRead && !readsPaused {
            pendingRead = false
            context.read()
        }
    }

    /// The exchange failed before a response head went out: answer with an error page.
    func proxyFailed(_ status: HTTPResponseStatus, retryAfter: Int?, keepAlive: Bool, context: ChannelHandlerContext) {
        state = .discardingBody
        readsPaused = false
        guard let head = current?.head else {
            context.close(promise: nil)
            return
        }
        let extra: [(name: String, value: String)] = retryAfter.map { [("Retry-After", String($0))] } ?? []
        // A request body may still be arriving; the connection closes after the answer so no byte of it is
        // mistaken for the next request.
        sendError(status, head: head, keepAlive: keepAlive && current?.head.method != .POST, context: context, extraFields: extra)
        // The next pipelined request, delivered inside `finish`/`sendError`, may have paused reads again.
        if pendingRead && !readsPaused {
            pendingRead = false
            context.read()
        }
    }

    /// A failure after the response started: close, so the client never takes a cut body for a whole one.
    func abortProxied(context: ChannelHandlerContext) {
        state = .discardingBody
        current = nil
        // What the backend sent before failing goes out first (a close drops unflushed writes): the client sees a
        // response cut short, not a connection that closed before any answer.
        context.flush()
        context.close(promise: nil)
    }
}
