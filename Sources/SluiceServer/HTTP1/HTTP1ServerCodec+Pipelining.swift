import NIOCore
import NIOHTTP1

/// One request at a time (RFC 9112 §9.3.2: responses to pipelined requests go out in order): the
/// parser is asked for the next request's head only once the response to the previous one has
/// written its `.end`. Until then the pipelined bytes stay in `buffer`, unparsed; a refusal of the
/// next request therefore never interleaves with the response still going out.
///
/// Socket reads go on meanwhile (NIO's HTTPServerPipelineHandler stops them for every response in
/// flight, two `epoll_ctl` calls per request): only when more than `maxBufferedBytes` wait is a `read()`
/// held, and released once the buffer drains below the bound. A `read()` the handler above holds
/// (its own back-pressure) never reaches here, so it stays held.
extension HTTP1ServerCodec {
    /// A response is in flight for the last request delivered.
    var isResponsePending: Bool { responseEnds < requestHeads }

    /// No request being received and none being answered.
    var isIdle: Bool { !isResponsePending && !parser.isInsideRequest }

    /// Part of the next request's head has arrived: unparsed bytes, or a request line the parser has
    /// taken while it waits for the header lines.
    var hasPartialHead: Bool {
        if buffer.readableBytes > 0 { return true }
        if case .headerLines = parser.state { return true }
        return false
    }

    /// Socket reads are held: too many bytes wait for a response to finish, or no further request
    /// will be taken. (A partial head larger than the bound is not held: the parser needs the rest.)
    var holdsReads: Bool {
        guard !parser.isInsideRequest else { return false }
        if isQuiescing || isClosing { return true }
        return buffer.readableBytes >= configuration.maxBufferedBytes
            && (isResponsePending || parser.isPausedForUpgrade)
    }

    /// Passes on every request part the buffered bytes hold, up to the next request's head while a
    /// response is pending. Re-entrant calls (a response written while a part is delivered) return at
    /// once: the outer loop goes on.
    func parseBuffered(context: ChannelHandlerContext) {
        guard !isParsing else { return }
        isParsing = true
        defer { isParsing = false }

        while !isInputDone, !isLeaving {
            let insideRequest = parser.isInsideRequest
            if !insideRequest && (isResponsePending || isQuiescing) { break }
            guard let event = parser.next(from: &buffer) else {
                if inputClosed { inputEnded(context: context) }
                break
            }
            switch event {
            case .head(let head):
                requestHeads += 1
                if case .HEAD = head.method { answeringHEAD = true } else { answeringHEAD = false }
                if parser.asksToSwitchProtocols {
                    upgradeRequest = (requestHeads, head.method == .CONNECT)
                }
                phase = .readingBody
                armReadTimer(context: context, timeout: configuration.requestHeadTimeout)  // now a body-idle timer
                context.fireChannelRead(wrapInboundOut(.head(head)))
            case .body(let bytes):
                armReadTimer(context: context, timeout: configuration.requestHeadTimeout)
                context.fireChannelRead(wrapInboundOut(.body(bytes)))
            case .end(let trailers):
                let answered = requestEnded(context: context)
                context.fireChannelRead(wrapInboundOut(.end(trailers)))
                if answered && isQuiescing && !isClosing {
                    isClosing = true
                    context.close(promise: nil)
                }
            case .error(let error):
                refuse(error, insideRequest: insideRequest, context: context)
            }
        }
        // Keep a partial line from pinning a large, mostly consumed buffer.
        if buffer.readerIndex >= 4096, buffer.readableBytes > 0 {
            buffer.discardReadBytes()
        }
        if readPending && !holdsReads {
            readPending = false
            context.read()
        }
    }

    /// The request's `.end` was parsed (before it is passed on); true if its answer already went out
    /// (it was decided at the head: a file, an error, a redirect).
    private func requestEnded(context: ChannelHandlerContext) -> Bool {
        guard isResponsePending else {
            becameIdle(context: context)
            return true
        }
        phase = .responding
        readDeadline = nil
        return false
    }

    /// The handler wrote a response's `.end` (already passed down).
    func responseEnded(context: ChannelHandlerContext) {
        responseEnds += 1
        guard !parser.isInsideRequest else { return }  // the request body is still arriving
        becameIdle(context: context)
        if isQuiescing {
            // Graceful shutdown: this was the last response; close once it is written.
            isClosing = true
            let loopBound = context.loopBound
            let written = context.eventLoop.makePromise(of: Void.self)
            passHeld(context: context)
            context.write(NIOAny(context.channel.allocator.buffer(capacity: 0)), promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in loopBound.value.close(promise: nil) }
            return
        }
        parseBuffered(context: context)
    }

    /// No request in progress: the next head is awaited (already begun if bytes of it are here).
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

    /// Graceful shutdown (NIO's `ServerQuiescingHelper`): an idle connection closes now; a busy one
    /// finishes the request in progress, and its response says `Connection: close`.
    func quiesce(context: ChannelHandlerContext) {
        guard !isQuiescing else { return }
        isQuiescing = true
        if isIdle {
            isClosing = true
            context.close(promise: nil)
        }
    }

    /// The client closed its side and the parser has caught up with every buffered byte.
    private func inputEnded(context: ChannelHandlerContext) {
        if let error = parser.inputEnded() {
            refuse(error, insideRequest: true, context: context)
        }
        isInputDone = true
    }

    /// Follows the answer to a request that asked to switch protocols (see the type's notes).
    func upgradeAnswered(_ status: HTTPResponseStatus) {
        guard let upgrade = upgradeRequest, upgrade.number == requestHeads else { return }
        upgradeRequest = nil
        let switches = upgrade.isConnect ? (200..<300).contains(status.code) : status == .switchingProtocols
        if !switches {
            parser.upgradeDeclined()  // parsing resumes after this response's `.end`
        }
    }
}
