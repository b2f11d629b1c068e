import LighttpdConfig
import Logging
import NIOCore
import NIOHTTP1
import SluiceCore

/// The first inbound handler of a FastCGI or SCGI upstream connection: turns the app's bytes into an HTTP/1.1
/// response for the handlers above it (`UpstreamResponseHandler`, or a health probe's HTTP decoder), so pools,
/// failures, streaming and back-pressure work as for an HTTP backend. A broken record or CGI head is reported
/// as a `BackendProtocolError` (a malformed response) and the connection closed. FastCGI `STDERR` goes to the
/// error log, a line per record, naming the backend.
final class BackendProtocolDecoder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    // One of the two is set. Two optionals rather than an enum: mutated in place, without copying the
    // translator's buffers out of an enum payload and back.
    private var fastcgi: FastCGIResponseTranslator?
    private var scgi: SCGIResponseTranslator?
    private let backendName: String
    private let errorLog: Logger?
    private var failed = false

    /// `backendProtocol` must not be `.http` (an HTTP connection needs no translation).
    init(_ backendProtocol: BackendProtocol, backendName: String, errorLog: Logger?) {
        if backendProtocol == .scgi { scgi = SCGIResponseTranslator() } else { fastcgi = FastCGIResponseTranslator() }
        self.backendName = backendName
        self.errorLog = errorLog
    }

    /// A request with this method went out: the next response answers it (a HEAD response has no body).
    func expectResponse(to method: HTTPMethod) {
        fastcgi?.expectResponse(to: method)
        scgi?.expectResponse(to: method)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let bytes = unwrapInboundIn(data)
        let allocator = context.channel.allocator
        guard let translation = fastcgi?.translate(bytes, allocator: allocator) ?? scgi?.translate(bytes, allocator: allocator)
        else { return }
        for text in translation.standardError { logStandardError(text) }
        if translation.http.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(translation.http)) }
        if let error = translation.error {
            failed = true
            // Output beyond a Content-Length comes after a complete response, whose connection may already serve
            // the next request: that one must not be failed for it. The connection just closes (as for surplus
            // bytes from an HTTP backend); a request sent on it meanwhile sees a lost connection.
            if error != .surplus { context.fireErrorCaught(error) }
            context.close(promise: nil)
        }
    }

    private func logStandardError(_ text: String) {
        for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty {
            errorLog?.warning("backend \(backendName): stderr: \(line)")
        }
    }
}
