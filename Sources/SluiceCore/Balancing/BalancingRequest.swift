/// What a balancer may look at for one request. Building it copies two `Substring`s (no allocation) and up to 16
/// address bytes; only `hash` reads `host`/`target` and only `sticky` reads `clientAddress`, so the other policies
/// never touch the bytes.
public struct BalancingRequest: Sendable {
    /// The request's `Host` (authority), as the client sent it.
    public var host: Substring
    /// The request target (path, maybe `?query`). `hash` uses only the part before `?` or `#`, so one page with
    /// different queries lands on one backend (lighttpd 1.4 hashes `uri.path`, not the query).
    public var target: Substring
    /// The client's IP address bytes, for `sticky`.
    public var clientAddress: ClientAddressKey

    public init(host: Substring = "", target: Substring = "", clientAddress: ClientAddressKey = .unknown) {
        self.host = host
        self.target = target
        self.clientAddress = clientAddress
    }

    /// A request that carries nothing (for balancers that do not look at requests).
    public static let empty = BalancingRequest()

    /// The stable hash of host + path (the target up to `?` or `#`), each absorbed as one `StableHash` field.
    /// Native strings are read in place; small (inline) ones are copied to the stack: no allocation either way.
    public var hostAndPathHash: UInt64 {
        let afterHost = Self.withBytes(of: host) { StableHash.absorb(StableHash.seed, $0) }
        let afterPath = Self.withBytes(of: target) {
            StableHash.absorb(afterHost, $0, upTo: (UInt8(ascii: "?"), UInt8(ascii: "#")))
        }
        return StableHash.finish(afterPath)
    }

    private static func withBytes(of text: Substring, _ body: (UnsafeRawBufferPointer) -> UInt64) -> UInt64 {
        if let result = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        var copy = text
        return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}

/// A client's IP address held inline (IPv4: 4 bytes, IPv6: 16), so building a `BalancingRequest` never allocates.
/// Hashing includes the length, so the IPv4 `1.2.3.4` and an IPv6 address that starts with those bytes differ.
public struct ClientAddressKey: Sendable, Hashable {
    private var high: UInt64
    private var low: UInt64
    private var count: UInt8

    /// No address known (a Unix-socket client): every such client hashes alike.
    public static let unknown = ClientAddressKey(high: 0, low: 0, count: 0)

    private init(high: UInt64, low: UInt64, count: UInt8) {
        self.high = high
        self.low = low
        self.count = count
    }

    /// The address from its network-order bytes; at most the first 16 are used.
    public init(bytes: some Sequence<UInt8>) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var count: UInt8 = 0
        for byte in bytes where count < 16 {
            if count < 8 {
                high |= UInt64(byte) << (56 - 8 * UInt64(count))
            } else {
                low |= UInt64(byte) << (56 - 8 * UInt64(count - 8))
            }
            count += 1
        }
        self.init(high: high, low: low, count: count)
    }

    /// An IPv4 address as a host-order `UInt32` (`0x7f00_0001` is 127.0.0.1).
    public init(ipv4: UInt32) {
        self.init(high: UInt64(ipv4) << 32, low: 0, count: 4)
    }

    /// The stable hash of the address (both words and the length).
    public var stableHash: UInt64 {
        StableHash.finish(StableHash.absorb(StableHash.absorb(StableHash.absorb(StableHash.seed, word: high),
                                                              word: low), word: UInt64(count)))
    }
}
