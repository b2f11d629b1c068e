import LighttpdConfig
import NIOCore
import SluiceCore

/// What a request handler knows about its connection, fixed when it is accepted.
struct ConnectionInfo: Sendable {
    var remoteAddress: IPAddress?
    /// The peer address as text for logs and `X-Forwarded-For` (`192.0.2.1`, `::1`).
    var remoteText: String
    var remotePort: Int?
    /// The peer as the forwarding headers write it (`X-Forwarded-For`, `for=`), formatted once per connection.
    var peer: PeerAddress
    var localPort: UInt16
    /// `http` or `https`.
    var scheme: String
    /// The `$SERVER["socket"]` blocks of the listener in the runtime the connection uses.
    var socketBlocks: [Int]
    /// TLS connections cannot send file regions with sendfile; bodies are read and written instead.
    var isTLS: Bool

    /// `socketBlocks`: found by the listener's address in the runtime's config, not taken from `listener` (bound
    /// at start: a reload may have moved the blocks).
    init(channel: Channel, listener: ListenerSettings, socketBlocks: [Int], isTLS: Bool) {
        let remote = channel.remoteAddress
        self.remoteText = remote?.ipAddress ?? "-"
        self.remoteAddress = remote?.ipAddress.flatMap { IPAddress($0) }
        self.remotePort = remote?.port
        self.peer = PeerAddress(remoteAddress)
        self.localPort = UInt16(truncatingIfNeeded: channel.localAddress?.port ?? 0)
        self.scheme = isTLS ? "https" : "http"
        self.socketBlocks = socketBlocks
        self.isTLS = isTLS
    }
}
