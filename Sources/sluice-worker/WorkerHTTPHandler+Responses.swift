import NIOCore
import NIOHTTP1

extension WorkerHTTPHandler {
    /// Writes the response for a complete request (after any configured delay).
    func respond(context: ChannelHandlerContext, exchange: Exchange, echo: EchoRecorder?) {
        switch exchange.route {
        case .hello:
            self.write(context: context, exchange: exchange, fixed: self.catalog.hello)
        case .welcome:
            self.write(context: context, exchange: exchange, fixed: self.catalog.welcome)
        case .cookie:
            self.write(context: context, exchange: exchange, fixed: self.catalog.cookie)
        case .notFound:
            self.write(context: context, exchange: exchange, fixed: self.catalog.notFound)
        case .webSocketWithoutUpgrade:
            self.write(context: context, exchange: exchange, fixed: self.catalog.upgradeRequired)
        case .echo:
            // `.echo` always starts with a recorder (see `channelRead`).
            guard let echo else {
                self.write(context: context, exchange: exchange, fixed: self.catalog.notFound)
                return
            }
            let body = echo.render(worker: self.catalog.name, allocator: context.channel.allocator)
            self.write(context: context, exchange: exchange, status: .ok, contentType: "application/json", body: body)
        case .redirect:
            self.writeRedirect(context: context, exchange: exchange)
        case .status(let status):
            self.writeStatus(context: context, exchange: exchange, status: status)
        case .badRequest(let reason):
            self.write(
                context: context,
                exchange: exchange,
                status: .badRequest,
                contentType: "text/plain; charset=utf-8",
                body: ByteBuffer(string: reason + "\n")
            )
        case .bytes(let count):
            self.startBytes(context: context, exchange: exchange, count: count)
        case .serverSentEvents(let count, let interval):
            self.startEvents(context: context, exchange: exchange, count: count, interval: interval)
        }
    }

    // MARK: Fixed and small responses

    private func write(context: ChannelHandlerContext, exchange: Exchange, fixed: FixedResponse) {
        self.writeHead(context: context, exchange: exchange, fixed.head)
        if !exchange.isHead {
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(fixed.body))), promise: nil)
        }
        self.writeEnd(context: context, exchange: exchange)
    }

    private func write(
        context: ChannelHandlerContext,
        exchange: Exchange,
        status: HTTPResponseStatus,
        contentType: String,
        body: ByteBuffer,
        extraHeaders: [(String, String)] = []
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(contentsOf: extraHeaders)
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        self.writeHead(context: context, exchange: exchange, head)
        if !exchange.isHead {
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        self.writeEnd(context: context, exchange: exchange)
    }

    /// `302` to `http://HOST:PORT/welcome`, HOST:PORT being the address this connection was accepted on:
    /// an absolute URL at the backend's own address, which a proxy's reverse map must rewrite (SPEC §4).
    private func writeRedirect(context: ChannelHandlerContext, exchange: Exchange) {
        let authority = context.channel.localAddress?.hostAndPort ?? "127.0.0.1"
        let location = "http://\(authority)/welcome"
        self.write(
            context: context,
            exchange: exchange,
            status: .found,
            contentType: "text/plain; charset=utf-8",
            body: ByteBuffer(string: "see \(location)\n"),
            extraHeaders: [("Location", location)]
        )
    }

    /// `/status/CODE`: the status with `CODE REASON` as its body, except for 204 and 304, which carry no body
    /// (RFC 9110 §15.3.5, §15.4.5).
    private func writeStatus(context: ChannelHandlerContext, exchange: Exchange, status: HTTPResponseStatus) {
        guard status.mayHaveResponseBody else {
            self.writeHead(context: context, exchange: exchange, HTTPResponseHead(version: .http1_1, status: status))
            self.writeEnd(context: context, exchange: exchange)
            return
        }
        self.write(
            context: context,
            exchange: exchange,
            status: status,
            contentType: "text/plain; charset=utf-8",
            body: ByteBuffer(string: "\(status.code) \(status.reasonPhrase)\n")
        )
    }

    // MARK: Framing shared by every response

    /// Writes `head` adjusted to the request: its HTTP version, and `Connection` as RFC 9112 §9.3 asks
    /// (`close` when this is the last response on an HTTP/1.1 connection, `keep-alive` for an HTTP/1.0 client
    /// that asked for it).
    func writeHead(context: ChannelHandlerContext, exchange: Exchange, _ head: HTTPResponseHead) {
        var head = head
        if exchange.version != .http1_1 || !exchange.keepAlive {
            head.version = exchange.version
            if exchange.keepAlive {
                head.headers.replaceOrAdd(name: "Connection", value: "keep-alive")
            } else if exchange.version.major == 1 && exchange.version.minor >= 1 {
                head.headers.replaceOrAdd(name: "Connection", value: "close")
            }
        }
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
    }

    /// Ends the response. The state goes back to `.idle` first, because writing `.end` may deliver the next
    /// pipelined request into this handler before `write` returns. Without keep-alive the connection is
    /// closed once the response has been written.
    func writeEnd(context: ChannelHandlerContext, exchange: Exchange) {
        guard exchange.keepAlive else {
            self.state = .closed
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
            return
        }
        self.state = .idle
        context.write(Self.wrapOutboundOut(.end(nil)), promise: nil)
        self.flushUnlessReading(context: context)
    }

    /// Flushes now unless a read burst is under way, in which case `channelReadComplete` flushes.
    func flushUnlessReading(context: ChannelHandlerContext) {
        if !self.inReadBurst {
            context.flush()
        }
    }
}

extension SocketAddress {
    /// `host:port`, with an IPv6 host in brackets (RFC 3986 §3.2.2); a Unix socket's path.
    var hostAndPort: String {
        switch self {
        case .v4:
            return "\(self.ipAddress ?? "0.0.0.0"):\(self.port ?? 0)"
        case .v6:
            return "[\(self.ipAddress ?? "::")]:\(self.port ?? 0)"
        case .unixDomainSocket:
            return self.pathname ?? "unix"
        }
    }
}
