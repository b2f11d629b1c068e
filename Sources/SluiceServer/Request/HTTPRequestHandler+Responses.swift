import NIOCore
import NIOHTTP1
import SluiceCore

/// A verifier with no users, for a protected path whose user file could not be loaded (never reached with
/// a valid config: the load fails first).
struct NoUsers: CredentialVerifier {
    func verify(user: String, password: [UInt8]) -> Bool { false }
}

extension HTTPRequestHandler {
    var headBuilder: ResponseHeadBuilder {
        get {
            ResponseHeadBuilder(
                serverTag: current?.routed?.options.files.serverTag ?? SluiceVersion.serverHeader, date: dates.current(),
                addFields: current?.routed?.options.files.addResponseHeaders ?? [],
                setFields: current?.routed?.options.files.setResponseHeaders ?? [])
        }
    }

    /// Writes a whole response with an in-memory body (none for HEAD, 204 and 304).
    func sendResponse(
        _ status: HTTPResponseStatus, fields: [(name: String, value: String)], body: ByteBuffer?,
        head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        var fields = fields
        let bodyAllowed = head.method != .HEAD && status.code != 204 && status.code != 304 && status.code >= 200
        if status.code != 204 && status.code != 304 && !fields.contains(where: { $0.name == "Content-Length" }) {
            fields.append(("Content-Length", String(body?.readableBytes ?? 0)))
        }
        let builder = headBuilder
        let responseHead = builder.head(status: status, version: head.version, fields: fields, keepAlive: keepAlive)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if bodyAllowed, let body, body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        finish(status: status, headers: responseHead.headers, bodyBytes: bodyAllowed ? Int64(body?.readableBytes ?? 0) : 0,
               keepAlive: keepAlive, context: context)
    }

    /// Writes `.end`, logs the request, and closes the connection when it does not stay open.
    func finish(
        status: HTTPResponseStatus, headers: HTTPHeaders, bodyBytes: Int64, keepAlive: Bool,
        context: ChannelHandlerContext, written: EventLoopPromise<Void>? = nil
    ) {
        current?.status = Int(status.code)
        current?.bodyBytes = bodyBytes
        current?.responseHeaders = headers
        // The record is copied for the log only when there is a log to write.
        if current?.routed?.options.files.accessLogFile != nil, let record = current { logAccess(record) }
        current = nil
        // A promise only when someone waits for the write (a file handle to close, a connection to close):
        // a kept-alive response with an in-memory body allocates none.
        let promise = keepAlive ? written : (written ?? context.eventLoop.makePromise(of: Void.self))
        if let codec {
            codec.writeEndDirect(promise: promise)
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
        }
        if !keepAlive, let promise {
            promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func sendError(
        _ status: HTTPResponseStatus, head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext,
        extraFields: [(name: String, value: String)] = []
    ) {
        let prefix = current?.routed?.options.files.errorFilePrefix
        let (body, contentType) = ErrorBody.make(status: status, prefix: prefix, allocator: context.channel.allocator)
        sendResponse(
            status, fields: [("Content-Type", contentType)] + extraFields, body: body, head: head,
            keepAlive: keepAlive, context: context)
    }

    func sendRedirect(
        _ status: HTTPResponseStatus, location: String, head: HTTPRequestHead, keepAlive: Bool,
        context: ChannelHandlerContext
    ) {
        let escaped = HTMLText.escape(location)
        let html = "<!DOCTYPE html>\n<html><body><a href=\"\(escaped)\">\(escaped)</a></body></html>\n"
        sendResponse(
            status, fields: [("Location", location), ("Content-Type", "text/html; charset=utf-8")],
            body: context.channel.allocator.buffer(string: html), head: head, keepAlive: keepAlive, context: context)
    }

    func sendChallenge(
        _ challenge: AuthChallenge, head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        sendError(
            .unauthorized, head: head, keepAlive: keepAlive, context: context,
            extraFields: [(AuthChallenge.headerName, challenge.wwwAuthenticate)])
    }
}
