import LighttpdConfig
import NIOCore

/// The client-connection limits of SPEC §6, named and documented in one place (from `ServerSettings`).
public struct ConnectionLimits: Sendable {
    /// `server.max-read-idle`: the request head must be complete this long after the connection opened (or
    /// after its first byte, for a later request on a kept-alive connection): a trickling client is cut off.
    public var requestHeadTimeout: TimeAmount
    /// `server.max-keep-alive-idle`: an idle kept-alive connection is closed after this long.
    public var keepAliveIdleTimeout: TimeAmount
    /// `server.max-write-idle`: a client that does not read for this long while we have data for it is
    /// disconnected.
    public var writeStallTimeout: TimeAmount
    /// `server.max-keep-alive-requests`: requests per connection; 0 disables keep-alive.
    public var maxKeepAliveRequests: Int
    /// `server.max-connections`.
    public var maxConnections: Int
    /// `server.max-request-field-size`: bytes of request line + headers.
    public var maxRequestFieldSize: Int

    public init(_ settings: ServerSettings) {
        requestHeadTimeout = .seconds(Int64(max(1, settings.maxReadIdle)))
        keepAliveIdleTimeout = .seconds(Int64(max(1, settings.maxKeepAliveIdle)))
        writeStallTimeout = .seconds(Int64(max(1, settings.maxWriteIdle)))
        maxKeepAliveRequests = settings.maxKeepAliveRequests
        maxConnections = settings.maxConnections
        maxRequestFieldSize = settings.maxRequestFieldSize
    }
}
