import NIOCore
import NIOHTTP1
import SluiceCore

extension HTTPRequestHandler {
    /// `101 Switching Protocols` from the backend of a WebSocket upgrade: pass the head on, then turn both
    /// connections into a byte tunnel. The upstream connection is the request's own (never pooled) and
    /// lives on this event loop.
    func startTunnel(
        status: HTTPResponseStatus, fields: [(String, String)], upstream: UpstreamConnection,
        context: ChannelHandlerContext, done: @escaping () -> Void
    ) {
        let builder = headBuilder
        let head = builder.head(status: status, version: .http1_1, fieldList: fields, keepAlive: true, keepingOrigin: true)
        current?.status = Int(status.code)
        current?.responseHeaders = head.headers
        if let record = current { logAccess(record) }
        current = nil
        state = .tunnelling
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        let client = context.channel
        written.futureResult.assumeIsolated().whenComplete { result in
            guard case .success = result else {
                upstream.channel.close(promise: nil)
                done()
                return
            }
            do {
                try TunnelSetup.splice(client: client, upstream: upstream.channel)
            } catch {
                client.close(promise: nil)
                upstream.channel.close(promise: nil)
            }
            done()
        }
    }
}

/// Turns an HTTP client connection and its backend connection into a tunnel.
enum TunnelSetup {
    static func splice(client: Channel, upstream: Channel) throws {
        client.eventLoop.preconditionInEventLoop()
        let (clientGlue, upstreamGlue) = TunnelGlueHandler.matchedPair()
        let clientPipeline = client.pipeline.syncOperations
        let upstreamPipeline = upstream.pipeline.syncOperations
        do {
            try clientPipeline.addHandler(clientGlue)
            try upstreamPipeline.addHandler(upstreamGlue)
        } catch {
            // The pair points at itself; unlinked, neither keeps the other alive (the caller closes both channels).
            clientGlue.unlink()
            upstreamGlue.unlink()
            throw error
        }
        _ = client.setOption(.allowRemoteHalfClosure, value: true)
        _ = upstream.setOption(.allowRemoteHalfClosure, value: true)
        // Everything HTTP goes; the codec leaves last (on the next tick) and hands its unparsed bytes to the glue.
        if let context = try? clientPipeline.context(handlerType: HTTPRequestHandler.self) {
            clientPipeline.removeHandler(context: context, promise: nil)
        }
        if let context = try? clientPipeline.context(handlerType: HTTP1ServerCodec.self) {
            clientPipeline.removeHandler(context: context, promise: nil)
        }
        // Upstream: the response handler hands the bytes that followed the 101 to the glue as it leaves; reads are
        // held until then.
        let responseHandler = try upstreamPipeline.handler(type: UpstreamResponseHandler.self)
        responseHandler.enterTunnelMode()
        if let context = try? upstreamPipeline.context(handlerType: UpstreamRequestWriter.self) {
            upstreamPipeline.removeHandler(context: context, promise: nil)
        }
        let responsesGone = upstream.eventLoop.makePromise(of: Void.self)
        upstreamPipeline.removeHandler(responseHandler, promise: responsesGone)
        responsesGone.futureResult.assumeIsolated().whenComplete { _ in
            upstream.read()
        }
        client.read()
    }
}
