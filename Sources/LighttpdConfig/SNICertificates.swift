/// Certificates chosen by the name a TLS client asks for (SNI), lighttpd's way: `ssl.pemfile` (with
/// `ssl.privkey`, `ssl.ca-file`) inside `$HTTP["host"]` conditions, under a TLS socket or globally:
///
///     $SERVER["socket"] == ":443" {
///       ssl.engine = "enable"
///       ssl.pemfile = "/etc/ssl/default.pem"
///       $HTTP["host"] == "b.example" { ssl.pemfile = "/etc/ssl/b.example.pem" }
///     }
///
/// The handshake comes before any request, so only what is known then can decide it (lighttpd's SNI step: the
/// host, the socket, the scheme): such a block tests `$HTTP["host"]`, and every block around it (and every branch
/// before it in an `else` chain) tests `$HTTP["host"]`, `$SERVER["socket"]` or `$HTTP["scheme"]`, or is a bare
/// `else`.
public enum SNICertificates {
    /// The keys a host block may set.
    public static let keys: Set<String> = ["ssl.pemfile", "ssl.privkey", "ssl.ca-file"]

    /// `block` tests the host, and the conditions it depends on are host or socket conditions only.
    static func isHandshakeScope(_ block: ConfigBlock, in blocks: [ConfigBlock]) -> Bool {
        guard block.condition?.field == .host else { return false }
        var cursor: Int? = block.index
        while let index = cursor, index != 0 {
            var branch: Int? = index
            while let current = branch {
                if let field = blocks[current].condition?.field, field != .host, field != .serverSocket, field != .scheme {
                    return false
                }
                branch = blocks[current].previousBranch
            }
            cursor = blocks[index].parent
        }
        return true
    }

    /// The host blocks that choose a certificate for a listener: they set `ssl.pemfile`, decide at the
    /// handshake, and lie under one of the listener's socket blocks or under none. As lighttpd merges matching
    /// blocks in config order, a host block written before the block that sets the socket's own certificate
    /// (`tlsBlock`) is overridden by it and does not count.
    static func blocks(for listener: ListenerSettings, tlsBlock: Int, in blocks: [ConfigBlock]) -> [Int] {
        blocks.filter { block in
            guard block.index > tlsBlock, block["ssl.pemfile"] != nil, isHandshakeScope(block, in: blocks) else {
                return false
            }
            var cursor = block.parent
            while let index = cursor, index != 0 {
                if blocks[index].condition?.field == .serverSocket { return listener.blockIndices.contains(index) }
                cursor = blocks[index].parent
            }
            return true
        }.map(\.index)
    }
}
