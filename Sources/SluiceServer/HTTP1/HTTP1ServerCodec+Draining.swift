import NIOCore

/// When a response is over for the connection: not when its `.end` is passed down but when its last
/// write completes. A large file to a slow client is queued at once (file regions and `.end`) and
/// drains for far longer than `server.max-keep-alive-idle`; the keep-alive limit, or the close of a
/// connection that takes no more requests, counts from the end of that drain (as lighttpd, which
/// starts waiting for the next request only once its write queue is empty). While it drains, a client
/// that stops reading is `server.max-write-idle`'s business (`+Timeouts`).
///
/// Watching a write costs a promise, so the common small response, which the socket takes at once,
/// is not watched: its last write is watched only when the handler put a promise on it anyway (a file
/// to close, a connection to close) or when the channel is unwritable at its `.end` (more than the
/// high watermark still queued). The keep-alive limit, when it expires, checks the rest: an empty
/// write flushed after everything else completes at once if nothing is queued (then the connection
/// closes), or later, and the idle period starts then. Closing always waits for every write, so no
/// response is ever cut.
extension HTTP1ServerCodec {
    /// Watches the last write of the response just ended, if it may take long (see the type's notes).
    func watchLastWrite(context: ChannelHandlerContext) {
        if let promise = heldPromise {
            watch(promise.futureResult, context: context)
        } else if !context.channel.isWritable {
            let promise = context.eventLoop.makePromise(of: Void.self)
            holdLast(promise: promise, context: context)
            watch(promise.futureResult, context: context)
        }
    }

    private func watch(_ written: EventLoopFuture<Void>, context: ChannelHandlerContext) {
        watchedWrites += 1
        let loopBound = context.loopBound
        written.assumeIsolated().whenComplete { [self] result in
            self.watchedWrites -= 1
            if self.isProbing {
                self.probeCompletedAtOnce = true
                return
            }
            guard case .success = result else { return }  // the connection is going down
            self.settle(context: loopBound.value)
        }
    }

    /// Where the connection goes when no request is being received or answered: once every watched
    /// write completed it is idle (the keep-alive limit runs) or, taking no more requests, it closes
    /// after its writes. Until then it is still responding: no read limit applies.
    func settle(context: ChannelHandlerContext) {
        guard isIdle, !isClosing, !isLeaving else { return }
        guard watchedWrites == 0 else {
            phase = .responding
            readDeadline = nil
            return
        }
        if isFinishing {
            closeAfterWrites(context: context)
            return
        }
        becameIdle(context: context)
    }

    /// The keep-alive limit expired: closes if every write completed; if some are still queued (a
    /// response that was not watched), the connection is responding until they complete, and idle
    /// from then on.
    func keepAliveExpired(context: ChannelHandlerContext) {
        let probe = context.eventLoop.makePromise(of: Void.self)
        isProbing = true
        probeCompletedAtOnce = false
        watch(probe.futureResult, context: context)
        passHeld(context: context)
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(capacity: 0)), promise: probe)
        isProbing = false
        if probeCompletedAtOnce {
            isClosing = true
            isInputDone = true
            context.close(promise: nil)
        } else {
            phase = .responding
            readDeadline = nil
        }
    }

    /// Closes once every write so far has completed (an empty write flushed after them tells).
    private func closeAfterWrites(context: ChannelHandlerContext) {
        isClosing = true
        isInputDone = true
        let loopBound = context.loopBound
        let written = context.eventLoop.makePromise(of: Void.self)
        passHeld(context: context)
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(capacity: 0)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in loopBound.value.close(promise: nil) }
    }

    /// No request in progress and every response written: the next head is awaited (already begun if
    /// bytes of it are here).
    private func becameIdle(context: ChannelHandlerContext) {
        if parser.isPausedForUpgrade {
            // Switched protocols: the bytes here are the new protocol's; the codec is about to leave.
            phase = .responding
            readDeadline = nil
        } else if hasPartialHead {
            phase = .waitingForHead(bytesSeen: true)
            armReadTimer(context: context, timeout: configuration.requestHeadTimeout)
        } else {
            phase = .waitingForHead(bytesSeen: false)
            armReadTimer(context: context, timeout: configuration.keepAliveIdleTimeout)
        }
    }
}
