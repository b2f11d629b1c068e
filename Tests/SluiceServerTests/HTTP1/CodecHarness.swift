import NIOCore
import NIOEmbedded
import NIOHTTP1
import SluiceServer

/// Records the request parts that reach the application's seat (where HTTPRequestHandler sits).
final class PartRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    var parts: [String] = []
    /// Called after each part is recorded: the test plays an application answering synchronously.
    var onPart: ((HTTPServerRequestPart) -> Void)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = Self.unwrapInboundIn(data)
        switch part {
        case .head(let head): parts.append("head \(head.method.rawValue) \(head.uri)")
        case .body(let bytes): parts.append("body \(String(buffer: bytes))")
        case .end(let trailers): parts.append(trailers.map { "end \(Step.render($0))" } ?? "end")
        }
        onPart?(part)
    }

    /// The parts recorded since the last call.
    func take() -> [String] {
        defer { parts = [] }
        return parts
    }
}

/// Sits below the codec and counts the `read()` calls and the writes that get through it to the socket.
final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = Any
    var reads = 0
    var writes = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        writes += 1
        context.write(data, promise: promise)
    }
}

/// Sits at the socket end and keeps write promises pending until `release()`: the bytes go on (the test
/// reads them) but the writes have not completed, as on a socket whose send buffer is full.
final class WriteGate: ChannelOutboundHandler {
    typealias OutboundIn = Any
    private var isHolding = true
    private var pending: [EventLoopPromise<Void>] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if isHolding, let promise {
            pending.append(promise)
            context.write(data, promise: nil)
        } else {
            context.write(data, promise: promise)
        }
    }

    /// Completes the held writes, in order; later writes complete as they are flushed.
    func release() {
        isHolding = false
        let promises = pending
        pending = []
        for promise in promises { promise.succeed() }
    }
}

/// Plays HTTPRequestHandler's read holding (its back-pressure): while `holds`, a `read()` from the tail
/// is kept until `release()`.
final class ReadHolder: ChannelOutboundHandler {
    typealias OutboundIn = Any
    var holds = true
    private var context: ChannelHandlerContext?
    private var pending = false

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func read(context: ChannelHandlerContext) {
        if holds { pending = true } else { context.read() }
    }

    /// Stops holding and passes a held `read()` on.
    func release() {
        holds = false
        if pending, let context {
            pending = false
            context.read()
        }
    }
}

/// An `EmbeddedChannel` with `ReadCounter → HTTP1ServerCodec → PartRecorder`, connected; the test
/// writes responses at the tail, as HTTPRequestHandler does.
///
/// `autoRead`: like a socket channel with auto-read, each `send` is followed by a `read()` from the tail
/// (it passes any handler holding reads only when that handler lets it). Without it nothing asks for
/// reads, which the codec takes as the application holding them (the body-idle limit then waits).
final class CodecHarness {
    let channel = EmbeddedChannel()
    let codec: HTTP1ServerCodec
    let recorder = PartRecorder()
    let readCounter = ReadCounter()
    let autoRead: Bool

    init(
        configuration: HTTP1ServerCodec.Configuration = .init(), autoRead: Bool = false,
        errorPage: @escaping HTTP1ServerCodec.ErrorPage = { _ in nil }
    ) throws {
        self.autoRead = autoRead
        codec = HTTP1ServerCodec(configuration: configuration, errorPage: errorPage)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.pipeline.syncOperations.addHandlers([readCounter, codec, recorder])
    }

    deinit {
        _ = try? channel.finish(acceptAlreadyClosed: true)
    }

    /// Holds the completion of every write from now on (see `WriteGate`), as a socket whose send buffer is full.
    func gateWrites() throws -> WriteGate {
        let gate = WriteGate()
        try channel.pipeline.syncOperations.addHandler(gate, position: .first)
        return gate
    }

    func send(_ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
        if autoRead { channel.read() }
    }

    /// Everything written to the socket since the last call.
    func outboundText() throws -> String {
        var text = ""
        while let data = try channel.readOutbound(as: IOData.self) {
            switch data {
            case .byteBuffer(let buffer): text += String(buffer: buffer)
            case .fileRegion(let region): text += "<file \(region.readableBytes)>"
            }
        }
        return text
    }

    func write(_ part: HTTPServerResponsePart) {
        channel.write(part, promise: nil)
    }

    /// A whole response with a `Content-Length` (and `fields`), flushed.
    func respond(
        _ status: HTTPResponseStatus = .ok, version: HTTPVersion = .http1_1, fields: [(String, String)] = [],
        body: String? = nil, end: Bool = true
    ) {
        var head = HTTPResponseHead(version: version, status: status)
        head.headers.add(name: "Content-Length", value: String(body?.utf8.count ?? 0))
        for (name, value) in fields { head.headers.add(name: name, value: value) }
        write(.head(head))
        if let body { write(.body(.byteBuffer(ByteBuffer(string: body)))) }
        if end { write(.end(nil)) }
        channel.flush()
    }
}
