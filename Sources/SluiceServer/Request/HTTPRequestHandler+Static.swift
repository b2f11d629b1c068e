import Glibc
import NIOCore
import NIOHTTP1
import SluiceCore

extension HTTPRequestHandler {
    /// mod_staticfile / mod_indexfile / mod_dirlisting: decide with `StaticFileDecider` and
    /// `StaticResponsePlan`, then send; plain connections send file bytes with `sendfile` (FileRegion).
    func serveStatic(_ routed: RoutedRequest, head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext) {
        let files = routed.options.files
        let method: StaticResponsePlan.Method
        switch head.method {
        case .GET: method = .get
        case .HEAD: method = .head
        case .POST: method = .other
        case .OPTIONS:
            sendResponse(.ok, fields: [("Allow", "GET, HEAD, POST, OPTIONS")], body: nil, head: head, keepAlive: keepAlive, context: context)
            return
        default:
            sendError(.methodNotAllowed, head: head, keepAlive: keepAlive, context: context,
                      extraFields: [("Allow", "GET, HEAD, POST, OPTIONS")])
            return
        }
        guard let root = files.documentRoot else {
            runtime.errorLog.info("\(head.uri): no server.document-root in effect")
            sendError(.notFound, head: head, keepAlive: keepAlive, context: context)
            return
        }
        let decider = StaticFileDecider(
            resolver: StaticPathResolver(documentRoot: root, aliases: files.aliases), settings: files.settings)
        let fileSystem = staticFileCache(context).fileSystem(now: Int64(time(nil)))
        decideAndServe(decider, routed, method: method, head: head, keepAlive: keepAlive, fileSystem: fileSystem,
                       context: context)
    }

    /// Decides through `fileSystem` and answers. A file found changed when opened (its stamp is not the one
    /// the decision saw: replaced, rewritten, or swapped for a link within the stat cache's second) is decided
    /// again with fresh system calls, never sent on a stale verdict (`isFresh` ends that retry).
    private func decideAndServe(
        _ decider: StaticFileDecider, _ routed: RoutedRequest, method: StaticResponsePlan.Method, head: HTTPRequestHead,
        keepAlive: Bool, fileSystem: some FileSystem, isFresh: Bool = false, context: ChannelHandlerContext
    ) {
        let files = routed.options.files
        let query = routed.facts.rawQuery.map { String(decoding: $0, as: UTF8.self) }
        switch decider.decide(rawPath: routed.facts.rawPath, query: query, fileSystem: fileSystem) {
        case .refuse(let refusal):
            if refusal.status >= 500 { runtime.errorLog.error("\(head.uri): \(refusal.message)") }
            sendError(HTTPResponseStatus(statusCode: refusal.status), head: head, keepAlive: keepAlive, context: context)
        case .redirect(let location):
            sendRedirect(.movedPermanently, location: location, head: head, keepAlive: keepAlive, context: context)
        case .listDirectory(let target):
            guard let entries = try? fileSystem.directoryEntries(target.physical.path) else {
                sendError(.forbidden, head: head, keepAlive: keepAlive, context: context)
                return
            }
            let html = DirectoryListing.render(urlPath: target.urlPath, entries: entries, hideDotfiles: files.settings.hideDotfiles)
            sendResponse(
                .ok, fields: [("Content-Type", "text/html; charset=utf-8")],
                body: context.channel.allocator.buffer(bytes: html), head: head, keepAlive: keepAlive, context: context)
        case .serveFile(let target):
            current?.physicalPath = target.path
            let sent = sendFile(
                target, method: method, settings: files.settings, head: head, keepAlive: keepAlive, context: context,
                mayRetry: !isFresh)
            if sent == .fileChanged {
                decideAndServe(decider, routed, method: method, head: head, keepAlive: keepAlive,
                               fileSystem: SystemFileSystem(), isFresh: true, context: context)
            }
        }
    }

    /// What `sendFile` did.
    enum FileSendOutcome {
        case answered
        /// Nothing was written: the file opened is not the one `target` describes (`mayRetry` only).
        case fileChanged
    }

    /// Sends the file `target` describes. When the file opened is not that one, nothing is sent and
    /// `.fileChanged` returned if `mayRetry`, else it is a 404 (the file changed while being opened).
    func sendFile(
        _ target: StaticFileTarget, method: StaticResponsePlan.Method, settings: StaticFileSettings,
        head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext, mayRetry: Bool = false
    ) -> FileSendOutcome {
        var generator = SystemRandomNumberGenerator()
        let plan = StaticResponsePlan(
            file: target.status, contentType: target.contentType, method: method,
            headers: ConditionalHeaders(head.headers), settings: settings, now: dates.seconds,
            makeBoundary: { MultipartByteRanges.makeBoundary(using: &generator) })
        let status = HTTPResponseStatus(statusCode: plan.status)
        if plan.status == 412 || plan.status == 416 {
            sendError(status, head: head, keepAlive: keepAlive, context: context, extraFields: plan.headers)
            return .answered
        }
        let segments = method == .head ? [] : plan.body.segments
        guard segments.contains(where: { if case .file = $0 { true } else { false } }) else {
            // 304, HEAD: headers only (Content-Length says what a GET would send).
            sendResponse(status, fields: plan.headers, body: nil, head: head, keepAlive: keepAlive, context: context)
            return .answered
        }
        if let bytes = staticFileCache(context).contents.bytes(
            of: target.path, stamp: target.status.stamp, now: Int64(time(nil)), allocator: context.channel.allocator)
        {
            sendFileBytes(bytes, segments: segments, status: status, head: head, fields: plan.headers,
                          keepAlive: keepAlive, context: context)
            return .answered
        }
        // Without server.follow-symlink a link swapped in after the decision is not followed either.
        let fd = open(target.path, O_RDONLY | O_CLOEXEC | (settings.followSymlinks ? 0 : O_NOFOLLOW))
        guard fd >= 0 else {
            if errno == ELOOP, mayRetry { return .fileChanged }
            sendError(errno == EACCES ? .forbidden : .notFound, head: head, keepAlive: keepAlive, context: context)
            return .answered
        }
        guard FileStamp.current(descriptor: fd) == target.status.stamp else {
            Glibc.close(fd)
            if mayRetry { return .fileChanged }
            runtime.errorLog.info("\(target.path): changed while being opened")
            sendError(.notFound, head: head, keepAlive: keepAlive, context: context)
            return .answered
        }
        let builder = headBuilder
        let responseHead = builder.head(status: status, version: head.version, fields: plan.headers, keepAlive: keepAlive)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        let bodyBytes = segments.reduce(Int64(0)) { total, segment in
            switch segment {
            case .bytes(let b): return total + Int64(b.count)
            case .file(_, let count): return total + count
            }
        }
        if connection.isTLS {
            let writer = FileBodyWriter(descriptor: fd, segments: segments) { [self] context, success in
                self.state = .discardingBody
                if success {
                    self.finish(status: status, headers: responseHead.headers, bodyBytes: bodyBytes, keepAlive: keepAlive, context: context)
                } else {
                    runtime.errorLog.error("\(target.path): read failed while sending; closing the connection")
                    context.close(promise: nil)
                }
            }
            state = .sendingFile(writer)
            writer.resume(context: context)
            return .answered
        }
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: fd)
        for segment in segments {
            switch segment {
            case .bytes(let bytes):
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
            case .file(let offset, let count):
                let region = FileRegion(fileHandle: handle, readerIndex: Int(offset), endIndex: Int(offset + count))
                context.write(wrapOutboundOut(.body(.fileRegion(region))), promise: nil)
            }
        }
        let closed = context.eventLoop.makePromise(of: Void.self)
        closed.futureResult.whenComplete { _ in try? handle.close() }
        finish(status: status, headers: responseHead.headers, bodyBytes: bodyBytes, keepAlive: keepAlive, context: context,
               written: closed)
        return .answered
    }
}

extension HTTPRequestHandler {
    /// This event loop's static-file caches (taken once per connection).
    func staticFileCache(_ context: ChannelHandlerContext) -> StaticFileCache {
        if let fileCache { return fileCache }
        let cache = runtime.staticCaches.cache(for: context.eventLoop)
        fileCache = cache
        return cache
    }

    /// A small file's body from memory: its segments are slices of the cached bytes (no copy), so head and
    /// body leave in one write, on plain and TLS connections alike.
    private func sendFileBytes(
        _ bytes: ByteBuffer, segments: [FileBodySegment], status: HTTPResponseStatus,
        head: HTTPRequestHead, fields: [(name: String, value: String)], keepAlive: Bool, context: ChannelHandlerContext
    ) {
        let responseHead = headBuilder.head(status: status, version: head.version, fields: fields, keepAlive: keepAlive)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        var bodyBytes: Int64 = 0
        for segment in segments {
            let part: ByteBuffer
            switch segment {
            case .bytes(let literal):
                part = context.channel.allocator.buffer(bytes: literal)
            case .file(let offset, let count):
                guard let slice = bytes.getSlice(at: bytes.readerIndex + Int(offset), length: Int(count)) else {
                    // The plan was made from the same stamp as the bytes, so this cannot happen; never send a
                    // response that looks complete when it is not.
                    runtime.errorLog.error("\(head.uri): cached file shorter than planned; closing the connection")
                    context.close(promise: nil)
                    return
                }
                part = slice
            }
            bodyBytes += Int64(part.readableBytes)
            context.write(wrapOutboundOut(.body(.byteBuffer(part))), promise: nil)
        }
        finish(status: status, headers: responseHead.headers, bodyBytes: bodyBytes, keepAlive: keepAlive, context: context)
    }

    /// `proxy-core.allow-x-sendfile`: the backend named a file with `X-Sendfile` (or lighttpd's
    /// `X-LIGHTTPD-send-file`); serve it as a static file (ranges, validators, sendfile), with the
    /// backend's `Content-Type` when it gave one. A missing or non-regular file is a 404.
    func serveXSendfile(
        path: String, contentType: String?, routed: RoutedRequest, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        state = .discardingBody
        readsPaused = false
        guard let head = current?.head else {
            context.close(promise: nil)
            return
        }
        let settings = routed.options.files.settings
        guard path.hasPrefix("/"), let status = try? SystemFileSystem().status(path), status.kind == .regular else {
            errorLog("\(head.uri): X-Sendfile names \"\(path)\", which is not a regular file")
            sendError(.notFound, head: head, keepAlive: keepAlive, context: context)
            return
        }
        let target = StaticFileTarget(
            physical: PhysicalPath(root: "", relative: path), status: status,
            contentType: contentType ?? settings.mimeTypes.contentType(forPath: path))
        current?.physicalPath = path
        let method: StaticResponsePlan.Method = head.method == .HEAD ? .head : head.method == .GET ? .get : .other
        _ = sendFile(target, method: method, settings: settings, head: head, keepAlive: keepAlive, context: context)
    }
}
