import NIOCore
import NIOHTTP1

/// Enforces the time limits of a client connection (SPEC §6, lighttpd's `server.max-read-idle`,
/// `server.max-keep-alive-idle`, `server.max-write-idle`):
/// - a request head must be complete within `requestHeadTimeout` of the connection opening, or of the first
///   byte of a later request: a client trickling a byte a second is cut off (408, then close);
/// - while a request body arrives, a silence longer than `requestHeadTimeout` is a 408 too;
/// - a kept-alive connection with no request in progress is closed after `keepAliveIdleTimeout`;
/// - a client that keeps the connection unwritable for `writeStallTimeout` is disconnected.
///
/// Sits after the request decoder (it sees decoded parts, and `channelReadComplete` for every read, which
/// tells it bytes of an incomplete head arrived) and before the pipelining handler.
final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// No request in progress; `bytesSeen` once part of the next head has arrived.
        case waitingForHead(bytesSeen: Bool)
        /// Between a head and its `.end`.
        case readingBody
        /// The request is complete; its response is being produced.
        case responding
    }

    private let limits: ConnectionLimits
    private var state = State.waitingForHead(bytesSeen: false)
    /// Heads received minus responses finished (pipelined requests can be several ahead).
    private var outstanding = 0
    /// The head / body-idle / keep-alive timeout: `readDeadline` is when it expires (nil: disarmed). One
    /// scheduled task serves many requests: re-arming to a later deadline leaves the task alone and the
    /// task, firing early, reschedules itself for the rest; only an earlier deadline replaces it.
    private var readTimer: Scheduled<Void>?
    private var readTimerDue = NIODeadline.distantFuture
    private var readDeadline: NIODeadline?
    private var writeTimer: Scheduled<Void>?
    /// This read delivered request parts: its `channelReadComplete` is not the start of a new request.
    private var readDeliveredParts = false

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armHeadTimer(context: context, timeout: limits.requestHeadTimeout) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armHeadTimer(context: context, timeout: limits.requestHeadTimeout)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelReadTimer()
        writeTimer?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelReadTimer()
        writeTimer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        readDeliveredParts = true
        switch unwrapInboundIn(data) {
        case .head:
            outstanding += 1
            state = .readingBody
            armHeadTimer(context: context, timeout: limits.requestHeadTimeout)  // now a body-idle timer
        case .body:
            if case .readingBody = state { armHeadTimer(context: context, timeout: limits.requestHeadTimeout) }
        case .end:
            readDeadline = nil
            if outstanding == 0 {
                // The answer already went out (it was decided at the head: a file, an error, a redirect):
                // the connection is idle from now on.
                state = .waitingForHead(bytesSeen: false)
                armHeadTimer(context: context, timeout: limits.keepAliveIdleTimeout)
            } else {
                state = .responding
            }
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        defer { readDeliveredParts = false }
        // A read that produced no part carried the beginning of a head (or of the next pipelined one).
        if !readDeliveredParts, case .waitingForHead(let seen) = state, !seen {
            // The first bytes of a new request: from now on the head has `requestHeadTimeout` to arrive.
            state = .waitingForHead(bytesSeen: true)
            armHeadTimer(context: context, timeout: limits.requestHeadTimeout)
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            outstanding = max(0, outstanding - 1)
            if outstanding == 0, case .responding = state {
                state = .waitingForHead(bytesSeen: false)
                armHeadTimer(context: context, timeout: limits.keepAliveIdleTimeout)
            }
        }
        context.write(data, promise: promise)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeTimer?.cancel()
            writeTimer = nil
        } else if writeTimer == nil {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            writeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: limits.writeStallTimeout) {
                loopBound.value.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    private func armHeadTimer(context: ChannelHandlerContext, timeout: TimeAmount) {
        let deadline = NIODeadline.now() + timeout
        readDeadline = deadline
        if readTimer != nil && readTimerDue <= deadline { return }
        readTimer?.cancel()
        scheduleReadTimer(context: context, at: deadline)
    }

    private func scheduleReadTimer(context: ChannelHandlerContext, at due: NIODeadline) {
        readTimerDue = due
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        readTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) { [self] in
            self.readTimer = nil
            guard let deadline = self.readDeadline else { return }
            guard NIODeadline.now() >= deadline else {
                self.scheduleReadTimer(context: loopBound.value, at: deadline)
                return
            }
            self.readTimedOut(context: loopBound.value)
        }
    }

    private func cancelReadTimer() {
        readTimer?.cancel()
        readTimer = nil
        readDeadline = nil
    }

    private func readTimedOut(context: ChannelHandlerContext) {
        readDeadline = nil
        switch state {
        case .waitingForHead(let bytesSeen):
            // An idle kept-alive connection (or one that never sent a byte) just closes; a started head gets 408.
            if bytesSeen && outstanding == 0 {
                sendTimeout(context: context)
            } else {
                context.close(promise: nil)
            }
        case .readingBody:
            if outstanding <= 1 { sendTimeout(context: context) } else { context.close(promise: nil) }
        case .responding:
            break
        }
    }

    private func sendTimeout(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "0")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: .requestTimeout, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
