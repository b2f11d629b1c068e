import LighttpdConfig
import NIOCore
import NIOHTTP1
import NIOSSL

/// The channel pipeline of one client connection, in order (inbound top to bottom):
///
///     NIOSSLServerHandler        TLS, on $SERVER["socket"] listeners with ssl.engine
///     HTTP request decoder       bytes -> request head / body / end (limits: 414, 431)
///     HTTPResponseEncoder        response parts -> bytes
///     ConnectionTimeoutHandler   max-read-idle, keep-alive idle, write stall
///     HTTPServerPipelineHandler  one response at a time for pipelined requests; quiescing
///     HTTPRequestHandler         the stages: route, auth, proxy or static files
enum HTTPChannelSetup {
    static func configure(_ channel: Channel, runtime: SiteRuntime, listener: ListenerSettings, tls: NIOSSLContext?) throws {
        let pipeline = channel.pipeline.syncOperations
        if let tls {
            try pipeline.addHandler(NIOSSLServerHandler(context: tls))
        }
        let limits = ConnectionLimits(runtime.server)
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderFieldSize = limits.maxRequestFieldSize
        let connection = ConnectionInfo(channel: channel, listener: listener, isTLS: tls != nil)
        try pipeline.addHandler(
            ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes, limitConfiguration: decoderLimits)))
        try pipeline.addHandler(HTTPResponseEncoder())
        try pipeline.addHandler(ConnectionTimeoutHandler(limits: limits))
        try pipeline.addHandler(HTTPServerPipelineHandler())
        try pipeline.addHandler(HTTPRequestHandler(runtime: runtime, connection: connection, limits: limits))
    }
}
