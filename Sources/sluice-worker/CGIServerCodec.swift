import NIOCore
import NIOHTTP1

/// Lets the worker's HTTP handler answer FastCGI (`--protocol fastcgi`) or SCGI (`--protocol scgi`) requests, as a
/// FastCGI/SCGI app server (flup, PHP-FPM, a Rack or WSGI server) would: requests in as CGI variables and a body,
/// responses out as a CGI head (`Status:` and fields) and body.
///
/// Written apart from Sluice's own FastCGI code, from the FastCGI 1.0 and SCGI specifications, so the tests
/// check two implementations against each other. What the handler sees: `PATH_INFO + ?QUERY_STRING` as the
/// target (an app routes below its mount point, `SCRIPT_NAME`), `HTTP_*` variables as header fields (`HTTP_X_FORWARDED_FOR` → `X-Forwarded-For`),
/// `CONTENT_TYPE` / `CONTENT_LENGTH` as theirs, and every other variable as a field `CGI-NAME` (`CGI-PATH_INFO`),
/// so `/echo` shows what the app was given. FastCGI `STDERR`: a line for each request whose target contains
/// `stderr` (for the tests of the proxy's error log).
final class CGIServerCodec: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = ByteBuffer

    enum Kind: String, Sendable {
        case fastcgi, scgi
    }

    private let kind: Kind
    private var buffer = ByteBuffer()
    // FastCGI request state.
    private var requestID: UInt16 = 0
    private var keepConnection = false
    private var params = ByteBuffer()
    private var headSent = false
    // SCGI: body bytes still to read after the head; nil before the head.
    private var scgiRemaining: Int?
    private var writingStderr = false

    init(kind: Kind) {
        self.kind = kind
    }

    // MARK: Requests in

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = Self.unwrapInboundIn(data)
        self.buffer.writeBuffer(&bytes)
        do {
            switch self.kind {
            case .fastcgi: try self.readRecords(context: context)
            case .scgi: try self.readSCGI(context: context)
            }
        } catch {
            context.close(promise: nil)
        }
    }

    struct ProtocolError: Error {}

    private func readRecords(context: ChannelHandlerContext) throws {
        while self.buffer.readableBytes >= 8 {
            let start = self.buffer.readerIndex
            guard self.buffer.getInteger(at: start, as: UInt8.self) == 1,
                let type = self.buffer.getInteger(at: start + 1, as: UInt8.self),
                let id = self.buffer.getInteger(at: start + 2, as: UInt16.self),
                let length = self.buffer.getInteger(at: start + 4, as: UInt16.self),
                let padding = self.buffer.getInteger(at: start + 6, as: UInt8.self)
            else { throw ProtocolError() }
            let total = 8 + Int(length) + Int(padding)
            guard self.buffer.readableBytes >= total else {
                self.buffer.discardReadBytes()
                return
            }
            self.buffer.moveReaderIndex(forwardBy: 8)
            let content = self.buffer.readSlice(length: Int(length))!
            self.buffer.moveReaderIndex(forwardBy: Int(padding))
            switch type {
            case 1:  // BEGIN_REQUEST: role (2), flags (1)
                guard content.getInteger(at: content.readerIndex, as: UInt16.self) == 1 else { throw ProtocolError() }
                self.requestID = id
                self.keepConnection = (content.getInteger(at: content.readerIndex + 2, as: UInt8.self) ?? 0) & 1 == 1
                self.params.clear()
                self.headSent = false
            case 4 where id == self.requestID:  // PARAMS, ended by an empty one
                if length > 0 {
                    var content = content
                    self.params.writeBuffer(&content)
                } else {
                    let variables = try Self.nameValuePairs(self.params)
                    self.deliverHead(variables, context: context)
                }
            case 5 where id == self.requestID:  // STDIN, ended by an empty one
                if length > 0 {
                    context.fireChannelRead(Self.wrapInboundOut(.body(content)))
                } else {
                    context.fireChannelRead(Self.wrapInboundOut(.end(nil)))
                }
            default:
                break
            }
        }
        self.buffer.discardReadBytes()
    }

    private static func nameValuePairs(_ bytes: ByteBuffer) throws -> [(String, String)] {
        var input = bytes
        var pairs: [(String, String)] = []
        func length() throws -> Int {
            guard let first = input.readInteger(as: UInt8.self) else { throw ProtocolError() }
            if first < 128 { return Int(first) }
            guard let rest = input.readBytes(length: 3) else { throw ProtocolError() }
            return Int(first & 0x7F) << 24 | Int(rest[0]) << 16 | Int(rest[1]) << 8 | Int(rest[2])
        }
        while input.readableBytes > 0 {
            let nameLength = try length()
            let valueLength = try length()
            guard let name = input.readString(length: nameLength), let value = input.readBytes(length: valueLength)
            else { throw ProtocolError() }
            pairs.append((name, String(decoding: value, as: UTF8.self)))
        }
        return pairs
    }

    private func readSCGI(context: ChannelHandlerContext) throws {
        if self.scgiRemaining == nil {
            // `<length>:` netstring of NAME\0value\0 pairs, then `,`.
            guard let colon = self.buffer.readableBytesView.firstIndex(of: UInt8(ascii: ":")) else {
                if self.buffer.readableBytes > 10 { throw ProtocolError() }
                return
            }
            let digits = self.buffer.getString(at: self.buffer.readerIndex, length: colon - self.buffer.readerIndex) ?? ""
            guard let length = Int(digits) else { throw ProtocolError() }
            let headerEnd = colon + 1 + length
            guard self.buffer.writerIndex > headerEnd else { return }
            guard self.buffer.getInteger(at: headerEnd, as: UInt8.self) == UInt8(ascii: ",") else { throw ProtocolError() }
            let fields = self.buffer.getBytes(at: colon + 1, length: length)!
            self.buffer.moveReaderIndex(to: headerEnd + 1)
            let parts = fields.split(separator: 0, omittingEmptySubsequences: false)
            var variables: [(String, String)] = []
            var index = 0
            while index + 1 < parts.count {
                variables.append((String(decoding: parts[index], as: UTF8.self), String(decoding: parts[index + 1], as: UTF8.self)))
                index += 2
            }
            guard variables.first?.0 == "CONTENT_LENGTH", let bodyLength = Int(variables[0].1) else {
                throw ProtocolError()
            }
            self.scgiRemaining = bodyLength
            self.deliverHead(variables, context: context)
        }
        // -1: the request is complete; what follows is ignored.
        guard var remaining = self.scgiRemaining, remaining >= 0 else {
            self.buffer.clear()
            return
        }
        let count = min(remaining, self.buffer.readableBytes)
        if count > 0 {
            context.fireChannelRead(Self.wrapInboundOut(.body(self.buffer.readSlice(length: count)!)))
            remaining -= count
        }
        self.scgiRemaining = remaining == 0 ? -1 : remaining
        if remaining == 0 { context.fireChannelRead(Self.wrapInboundOut(.end(nil))) }
        self.buffer.discardReadBytes()
    }

    private func deliverHead(_ variables: [(String, String)], context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        var values: [String: String] = [:]
        for (name, value) in variables {
            values[name] = value
            if name.hasPrefix("HTTP_") {
                let field = name.dropFirst(5).split(separator: "_").map { $0.prefix(1) + $0.dropFirst().lowercased() }
                headers.add(name: field.joined(separator: "-"), value: value)
            } else if name == "CONTENT_TYPE" {
                headers.add(name: "Content-Type", value: value)
            } else if name == "CONTENT_LENGTH" {
                if value != "0" { headers.add(name: "Content-Length", value: value) }
            } else {
                headers.add(name: "CGI-" + name, value: value)
            }
        }
        let query = values["QUERY_STRING"] ?? ""
        // An app mounted under SCRIPT_NAME routes on PATH_INFO, as WSGI and Rack apps do.
        let path = values["PATH_INFO"].flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        let target = path + (query.isEmpty ? "" : "?" + query)
        let head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: values["REQUEST_METHOD"] ?? "GET"), uri: target,
            headers: headers)
        self.writingStderr = self.kind == .fastcgi && target.contains("stderr")
        context.fireChannelRead(Self.wrapInboundOut(.head(head)))
    }

    // MARK: Responses out

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch Self.unwrapOutboundIn(data) {
        case .head(let head):
            var text = "Status: \(head.status.code) \(head.status.reasonPhrase)\r\n"
            for (name, value) in head.headers where name.lowercased() != "transfer-encoding" && name.lowercased() != "connection" {
                text += "\(name): \(value)\r\n"
            }
            text += "\r\n"
            if self.writingStderr {
                self.writeStream(type: 7, context.channel.allocator.buffer(string: "worker stderr line\n"), context: context, promise: nil)
            }
            self.writeStream(type: 6, context.channel.allocator.buffer(string: text), context: context, promise: promise)
        case .body(.byteBuffer(let bytes)):
            self.writeStream(type: 6, bytes, context: context, promise: promise)
        case .body(.fileRegion):
            promise?.fail(ProtocolError())
        case .end:
            switch self.kind {
            case .scgi:
                // Closed once everything before has been written (a close drops writes still queued).
                self.closeAfterWriting(ByteBuffer(), context: context, promise: promise)
            case .fastcgi:
                var end = context.channel.allocator.buffer(capacity: 24)
                Self.writeRecordHeader(type: 6, id: self.requestID, length: 0, to: &end)
                Self.writeRecordHeader(type: 3, id: self.requestID, length: 8, to: &end)
                end.writeInteger(UInt32(0))
                end.writeInteger(UInt8(0))  // REQUEST_COMPLETE
                end.writeRepeatingByte(0, count: 3)
                if self.keepConnection {
                    context.write(Self.wrapOutboundOut(end), promise: promise)
                } else {
                    self.closeAfterWriting(end, context: context, promise: promise)
                }
            }
        }
    }

    private func closeAfterWriting(_ bytes: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        let channel = context.channel
        context.writeAndFlush(Self.wrapOutboundOut(bytes)).whenComplete { result in
            channel.close(promise: nil)
            promise?.completeWith(result)
        }
    }

    private func writeStream(type: UInt8, _ bytes: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        guard self.kind == .fastcgi else {
            context.write(Self.wrapOutboundOut(bytes), promise: promise)
            return
        }
        var rest = bytes
        var out = context.channel.allocator.buffer(capacity: rest.readableBytes + 16 * (rest.readableBytes / 65535 + 1))
        while rest.readableBytes > 0 {
            var piece = rest.readSlice(length: min(rest.readableBytes, 65535))!
            Self.writeRecordHeader(type: type, id: self.requestID, length: piece.readableBytes, to: &out)
            out.writeBuffer(&piece)
        }
        context.write(Self.wrapOutboundOut(out), promise: promise)
    }

    private static func writeRecordHeader(type: UInt8, id: UInt16, length: Int, to out: inout ByteBuffer) {
        out.writeInteger(UInt8(1))
        out.writeInteger(type)
        out.writeInteger(id)
        out.writeInteger(UInt16(length))
        out.writeInteger(UInt8(0))
        out.writeInteger(UInt8(0))
    }
}
