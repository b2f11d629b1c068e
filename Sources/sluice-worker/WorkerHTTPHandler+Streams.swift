import NIOCore
import NIOHTTP1

extension WorkerHTTPHandler {
    // MARK: /bytes

    /// Starts `/bytes?n=N`: `Content-Length: N`, then slices of the shared pattern chunk, written only while
    /// the channel is writable, so a huge N costs no memory and a slow reader slows the worker down instead
    /// of filling its buffers.
    func startBytes(context: ChannelHandlerContext, exchange: Exchange, count: Int) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/octet-stream")
        headers.add(name: "Content-Length", value: String(count))
        self.writeHead(context: context, exchange: exchange, HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))
        guard count > 0, !exchange.isHead else {
            self.writeEnd(context: context, exchange: exchange)
            return
        }
        self.writeBytes(context: context, exchange: exchange, remaining: count)
    }

    /// Writes body chunks until the channel stops being writable or the body is complete; resumed from
    /// `channelWritabilityChanged`.
    func writeBytes(context: ChannelHandlerContext, exchange: Exchange, remaining: Int) {
        let chunk = self.catalog.byteChunk
        var remaining = remaining
        while remaining > 0, context.channel.isWritable {
            let size = min(remaining, chunk.readableBytes)
            let piece = size == chunk.readableBytes ? chunk : chunk.getSlice(at: chunk.readerIndex, length: size)!
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(piece))), promise: nil)
            remaining -= size
        }
        if remaining == 0 {
            self.writeEnd(context: context, exchange: exchange)
        } else {
            // State first: the flush may drain the socket and re-enter through `channelWritabilityChanged`.
            self.state = .streamingBytes(exchange, remaining: remaining)
            context.flush()
        }
    }

    // MARK: /sse

    /// Starts `/sse?n=N&interval-ms=M` (the WHATWG HTML "server-sent events" format): the head at once,
    /// then `data: 1`, `data: 2`, ... `data: N`, one every M ms, each flushed as it is produced, then the
    /// end of the chunked body. An HTTP/1.0 client gets the stream delimited by closing the connection
    /// (RFC 9112 §6.3: chunked is HTTP/1.1 only).
    func startEvents(context: ChannelHandlerContext, exchange: Exchange, count: Int, interval: TimeAmount) {
        var exchange = exchange
        let chunked = exchange.version.major == 1 && exchange.version.minor >= 1
        if !chunked {
            exchange.keepAlive = false
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream")
        headers.add(name: "Cache-Control", value: "no-cache")
        if chunked {
            headers.add(name: "Transfer-Encoding", value: "chunked")
        }
        self.writeHead(context: context, exchange: exchange, HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))
        guard count > 0, !exchange.isHead else {
            self.writeEnd(context: context, exchange: exchange)
            return
        }
        context.flush()
        self.sendEvent(context: context, exchange: exchange, index: 1, count: count, interval: interval)
    }

    private func sendEvent(
        context: ChannelHandlerContext,
        exchange: Exchange,
        index: Int,
        count: Int,
        interval: TimeAmount
    ) {
        var event = context.channel.allocator.buffer(capacity: 32)
        event.writeStaticString("data: ")
        event.writeString(String(index))
        event.writeStaticString("\n\n")
        context.write(Self.wrapOutboundOut(.body(.byteBuffer(event))), promise: nil)
        guard index < count else {
            self.writeEnd(context: context, exchange: exchange)
            context.flush()
            return
        }
        context.flush()
        let scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: interval) {
            guard case .streamingEvents = self.state else { return }
            self.sendEvent(context: context, exchange: exchange, index: index + 1, count: count, interval: interval)
        }
        self.state = .streamingEvents(scheduled)
    }
}
