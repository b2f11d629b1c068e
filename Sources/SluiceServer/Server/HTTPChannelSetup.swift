import LighttpdConfig
import NIOCore
import NIOHTTP1
import NIOSSL

/// The channel pipeline of one client connection, in order (inbound top to bottom):
///
///     NIOSSLServerHandler    TLS, on $SERVER["socket"] listeners with ssl.engine
///     HTTP1ServerCodec       bytes <-> request / response parts: RFC 9112 hygiene, lighttpd limits and
///                            their 400/408/413/414/431/501/505, one request at a time (pipelining),
///                            max-read-idle, keep-alive idle, write stall, quiescing
///     HTTPRequestHandler     the stages: route, auth, proxy or static files
enum HTTPChannelSetup {
    static func configure(_ channel: Channel, runtime: SiteRuntime, listener: ListenerSettings, tls: NIOSSLContext?) throws {
        let pipeline = channel.pipeline.syncOperations
        if let tls {
            try pipeline.addHandler(NIOSSLServerHandler(context: tls))
        }
        let limits = ConnectionLimits(runtime.server)
        let global = runtime.site.options[0].files
        let decoderLimits = HTTP1RequestLimits(
            maxRequestFieldSize: limits.maxRequestFieldSize, maxRequestSizeKiB: global.maxRequestSizeKiB ?? 0)
        let socketBlocks = runtime.site.config.listeners.first { $0.address == listener.address }?.blockIndices ?? []
        let connection = ConnectionInfo(channel: channel, listener: listener, socketBlocks: socketBlocks, isTLS: tls != nil)
        let errorLog = runtime.errorLog
        let errorPrefix = global.errorFilePrefix
        let allocator = channel.allocator
        let codec = HTTP1ServerCodec(configuration: .init(limits, requestLimits: decoderLimits)) { error in
            errorLog.info("request from \(connection.remoteText) refused: \(error.status.code) \(error.reason)")
            let page = ErrorBody.make(status: error.status, prefix: errorPrefix, allocator: allocator)
            return (page.contentType, page.body)
        }
        codec.writeStalled = {
            errorLog.info(
                "connection from \(connection.remoteText) closed: the client read nothing for \(limits.writeStallTimeout.nanoseconds / 1_000_000_000) s (server.max-write-idle)")
        }
        try pipeline.addHandler(codec)
        let handler = HTTPRequestHandler(runtime: runtime, connection: connection, limits: limits)
        handler.codec = codec
        codec.receiver = handler
        try pipeline.addHandler(handler)
    }
}
