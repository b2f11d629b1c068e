import NIOCore
import NIOHTTP1

/// The time limits of a client connection (SPEC §6, lighttpd's `server.max-read-idle`,
/// `server.max-keep-alive-idle`, `server.max-write-idle`):
/// - a request head must be complete within `requestHeadTimeout` of the connection opening, or of the
///   first byte of a later request: a client trickling a byte a second is cut off (408, then close);
/// - while a request body arrives, a silence longer than `requestHeadTimeout` is a 408 too (or just a
///   close, when a response to that request has already begun and cannot be interrupted). Only the
///   client's own silence counts: while the handler above holds reads (a proxied body waiting for its
///   backend) the limit waits, and it starts afresh when reads resume;
/// - a kept-alive connection with no request in progress is closed after `keepAliveIdleTimeout`,
///   counted from the moment the last response was written (a large file to a slow client may take
///   far longer to drain than to queue; while it drains, a stall is `writeStallTimeout`'s business);
/// - a client that keeps the connection unwritable for `writeStallTimeout` is disconnected.
///
/// Time is the event loop's (`EventLoop.now`), so tests drive it with `EmbeddedEventLoop.advanceTime`.
extension HTTP1ServerCodec {
    /// Moves the read deadline to `timeout` from now. A later deadline than the scheduled task's leaves
    /// the task alone (it reschedules itself when it fires early); only an earlier one replaces it.
    func armReadTimer(context: ChannelHandlerContext, timeout: TimeAmount) {
        let deadline = context.eventLoop.now + timeout
        readDeadline = deadline
        if readTimer != nil && readTimerDue <= deadline { return }
        readTimer?.cancel()
        scheduleReadTimer(context: context, at: deadline)
    }

    private func scheduleReadTimer(context: ChannelHandlerContext, at due: NIODeadline) {
        readTimerDue = due
        let loopBound = context.loopBound
        readTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) { [self] in
            self.readTimer = nil
            guard let deadline = self.readDeadline else { return }
            let context = loopBound.value
            guard context.eventLoop.now >= deadline else {
                self.scheduleReadTimer(context: context, at: deadline)
                return
            }
            self.readTimedOut(context: context)
        }
    }

    func cancelTimers() {
        readTimer?.cancel()
        readTimer = nil
        readDeadline = nil
        writeTimer?.cancel()
        writeTimer = nil
    }

    private func readTimedOut(context: ChannelHandlerContext) {
        readDeadline = nil
        guard !isClosing, !isLeaving else { return }
        switch phase {
        case .waitingForHead(let bytesSeen):
            // An idle kept-alive connection (or one that never sent a byte) closes, once nothing it was
            // sent is still queued (`+Draining`); a started head gets 408.
            if bytesSeen { sendRequestTimeout(context: context) } else { keepAliveExpired(context: context) }
        case .readingBody:
            // Reads held above: the client could not send; `readsResumed` re-arms.
            guard readRequested else { return }
            let answerBegun = responseHeads >= requestHeads && isResponsePending
            if answerBegun { closeNow(context: context) } else { sendRequestTimeout(context: context) }
        case .responding:
            break
        }
    }

    /// The handler above asks for reads again while a body arrives: the body-idle limit starts afresh.
    func readsResumed(context: ChannelHandlerContext) {
        guard !isClosing, !isLeaving else { return }
        armReadTimer(context: context, timeout: configuration.requestHeadTimeout)
    }

    private func closeNow(context: ChannelHandlerContext) {
        isClosing = true
        isInputDone = true
        context.close(promise: nil)
    }

    private func sendRequestTimeout(context: ChannelHandlerContext) {
        isClosing = true
        isInputDone = true
        buffer = ByteBuffer()
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "0")
        headers.add(name: "Connection", value: "close")
        writeFinalAnswer(HTTPResponseHead(version: .http1_1, status: .requestTimeout, headers: headers), body: nil,
                         context: context)
    }

    /// Starts the write-stall timer when the channel turns unwritable, stops it when it drains.
    func writabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeTimer?.cancel()
            writeTimer = nil
        } else if writeTimer == nil {
            let loopBound = context.loopBound
            writeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: configuration.writeStallTimeout) { [self] in
                self.writeStalled?()
                loopBound.value.close(promise: nil)
            }
        }
    }
}
