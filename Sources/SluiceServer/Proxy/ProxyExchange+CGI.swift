import NIOCore
import SluiceCore

/// FastCGI and SCGI: the request head as CGI variables, and a chunked body read whole before a backend is chosen
/// (both protocols state the body's length first).
extension ProxyExchange {
    /// Collects a piece of a chunked body; past `collectedBodyLimit` the request is refused with 413.
    func collect(_ buffer: ByteBuffer) {
        guard collectedBody.readableBytes + buffer.readableBytes <= Self.collectedBodyLimit else {
            collectingBody = false
            finished = true
            collectedBody = ByteBuffer()
            handler.errorLog(
                "\(clientHead.method.rawValue) \(clientHead.uri): 413 a chunked body over \(Self.collectedBodyLimit >> 20) MB "
                    + "for a \(route.backendProtocol.rawValue) backend, which needs its length first")
            handler.proxyFailed(.payloadTooLarge, retryAfter: nil, keepAlive: false, context: context)
            return
        }
        var bytes = buffer
        collectedBody.writeBuffer(&bytes)
    }

    /// The body is complete: it is sent with its length, and the exchange starts.
    func finishCollecting() {
        collectingBody = false
        bodyFraming = collectedBody.readableBytes > 0 ? .length(collectedBody.readableBytes) : .none
        if collectedBody.readableBytes == 0 {
            // An empty chunked body is no body: the request may be replayed like any other without one.
            machine = Machine(
                method: clientHead.method.rawValue, hasRequestBody: false, isUpgrade: false,
                configuration: .init(routed.options.proxy, backendCount: route.pools.count))
        }
        if collectedBody.readableBytes > 0 { pendingBody = [collectedBody] }
        collectedBody = ByteBuffer()
        run(machine.start())
    }

    func serverAddressText() -> String? {
        if let known = handler.serverAddressText { return known }
        let text = context.channel.localAddress?.ipAddress
        handler.serverAddressText = .some(text)
        return text
    }

    /// The FastCGI or SCGI head: the CGI variables (`CGIEnvironment`) of this request as the backend gets it.
    func cgiRequestHead(fields: [(String, String)]) -> ByteBuffer {
        var contentLength: Int?
        if case .length(let length) = bodyFraming { contentLength = length }
        let connection = handler.connection
        // With mod_extforward the client is the forwarded one: the socket's port is not its port.
        let peerIsClient = routed.facts.remoteAddress == connection.remoteAddress
        var environment = CGIEnvironment(
            method: clientHead.method.rawValue, target: backendTarget.target, requestURI: clientHead.uri,
            scriptName: backendTarget.forwardedPrefix,
            serverProtocol: "HTTP/\(clientHead.version.major).\(clientHead.version.minor)", fields: fields,
            contentLength: contentLength,
            remoteAddress: peerIsClient ? connection.remoteText : routed.facts.remoteAddress?.description ?? connection.remoteText,
            remotePort: peerIsClient ? connection.remotePort : nil,
            serverAddress: serverAddressText(), serverPort: connection.localPort,
            host: clientHead.headers.first(name: "Host"), scheme: routed.facts.scheme,
            documentRoot: routed.options.files.documentRoot ?? "", remoteUser: handler.current?.user,
            software: SluiceVersion.serverHeader)
        let proxy = routed.options.proxy
        if !proxy.cgiVariableRewrites.isEmpty {
            environment.rewrites = CGIVariableRewrites.resolve(
                proxy.cgiVariableRewrites, path: routed.path, documentRoot: environment.documentRoot,
                context: RewriteContext(routed, site: handler.runtime.site, block: proxy.requestHeaderRewritesBlock))
        }
        return CGIRequestHead.encode(environment, protocol: route.backendProtocol, allocator: context.channel.allocator)
    }
}
