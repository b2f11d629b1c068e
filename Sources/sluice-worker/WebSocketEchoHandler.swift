import NIOCore
import NIOWebSocket

/// `/ws` after the upgrade: echoes every data frame back as it arrives (RFC 6455).
///
/// Frames are echoed one by one, so a fragmented message comes back fragmented the same way and a large one
/// is never assembled in memory twice. Pings get a pong with the same payload (§5.5.2); a close frame is
/// answered with a close carrying the same status code, then the connection is closed (§5.5.1).
/// Fragmentation rules (§5.4) are enforced: a continuation without a started message, or a new message
/// before the previous one finished, is a protocol error (close 1002), as are an unmasked client frame
/// (§5.1) and reserved bits with no extension negotiated (§5.2); NIO's decoder already rejects oversized or
/// fragmented control frames. Reads pause while the channel is not writable, so a client that sends
/// without reading cannot grow the worker's buffers.
final class WebSocketEchoHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// A text or binary frame without FIN was seen; continuations are expected until one has FIN.
    private var messageInProgress = false
    /// Our close frame has been sent: nothing else may follow it (§5.5.1).
    private var closeSent = false
    /// A `read` asked for while the channel was not writable, issued when it becomes writable again.
    private var readPending = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        guard !self.closeSent else {
            if frame.opcode == .connectionClose {
                context.close(promise: nil)
            }
            return
        }
        guard frame.maskKey != nil, !frame.rsv1, !frame.rsv2, !frame.rsv3 else {
            return self.failProtocol(context: context)
        }
        switch frame.opcode {
        case .text, .binary:
            guard !self.messageInProgress else { return self.failProtocol(context: context) }
            self.messageInProgress = !frame.fin
            self.echo(context: context, frame)
        case .continuation:
            guard self.messageInProgress else { return self.failProtocol(context: context) }
            self.messageInProgress = !frame.fin
            self.echo(context: context, frame)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.write(Self.wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .connectionClose:
            var payload = frame.unmaskedData
            let code = payload.readInteger(as: UInt16.self)
            self.sendClose(context: context, code: code)
        default:
            self.failProtocol(context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            self.readPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, self.readPending {
            self.readPending = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func echo(context: ChannelHandlerContext, _ frame: WebSocketFrame) {
        let reply = WebSocketFrame(fin: frame.fin, opcode: frame.opcode, data: frame.unmaskedData)
        context.write(Self.wrapOutboundOut(reply), promise: nil)
    }

    private func failProtocol(context: ChannelHandlerContext) {
        self.sendClose(context: context, code: 1002)
    }

    /// Sends our close frame (with `code`, if any) and closes the TCP connection once it is written; as the
    /// server we may close first (§7.1.1).
    private func sendClose(context: ChannelHandlerContext, code: UInt16?) {
        self.closeSent = true
        var payload = context.channel.allocator.buffer(capacity: 2)
        if let code {
            payload.writeInteger(code)
        }
        let close = WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)
        context.writeAndFlush(Self.wrapOutboundOut(close)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
