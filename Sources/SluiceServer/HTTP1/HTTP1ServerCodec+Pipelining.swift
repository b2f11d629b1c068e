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
///
/// After a response that ends the connection (`Connection: close`, which the handler writes for
/// `server.max-keep-alive-requests` too, or HTTP/1.0 without keep-alive), no further request is parsed
/// nor delivered, even one already received in the same packet (RFC 9112 §9.6: the server MUST NOT
/// process further requests); reads stop and the connection closes once that response is written, as
/// on graceful shutdown.
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
        if isFinishing || isClosing { return true }
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
            if !insideRequest && (isResponsePending || isFinishing) { break }
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
                deliver(.head(head), context: context)
            case .body(let bytes):
                armReadTimer(context: context, timeout: configuration.requestHeadTimeout)
                deliver(.body(bytes), context: context)
            case .end(let trailers):
                // Its answer may have gone out already (decided at the head: a file, an error, a redirect).
                let answered = !isResponsePending
                if !answered {
                    phase = .responding
                    readDeadline = nil
                }
                deliver(.end(trailers), context: context)
                if answered { settle(context: context) }
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

    /// A request part to the handler above: called directly when it takes them so (`receiver`), else through
    /// the pipeline. The same synchronous call either way, without the pipeline's box and cast per part.
    private func deliver(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        if let receiver, receiver.receive(part) { return }
        context.fireChannelRead(wrapInboundOut(part))
    }

    /// The handler wrote a response's `.end` (held as the response's last write, see `+Encoding`).
    func responseEnded(context: ChannelHandlerContext) {
        responseEnds += 1
        watchLastWrite(context: context)
        guard !parser.isInsideRequest else { return }  // the request body is still arriving
        settle(context: context)
        parseBuffered(context: context)
    }

    /// Graceful shutdown (NIO's `ServerQuiescingHelper`): an idle connection closes now (once its last
    /// response is written); a busy one finishes the request in progress, and its response says
    /// `Connection: close`.
    func quiesce(context: ChannelHandlerContext) {
        guard !isQuiescing else { return }
        isQuiescing = true
        isFinishing = true
        settle(context: context)
    }

    /// A final response head that does not keep the connection: no further request is taken.
    func responseEndsConnection() {
        // A switch of protocols (a CONNECT's 2xx) hands the connection over instead.
        guard !parser.isPausedForUpgrade else { return }
        isFinishing = true
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
