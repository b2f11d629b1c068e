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
    public static var empty: BalancingRequest { BalancingRequest() }

    /// The stable hash of host + path (the target up to `?` or `#`), a zero byte between them.
    public var hostAndPathHash: UInt64 {
        var state = hashBytes(of: host, into: StableHash.seed, stopAtQuery: false)
        state = StableHash.absorb(state, byte: 0)
        state = hashBytes(of: target, into: state, stopAtQuery: true)
        return StableHash.mix(state)
    }

    private func hashBytes(of text: Substring, into state: UInt64, stopAtQuery: Bool) -> UInt64 {
        let fast = text.utf8.withContiguousStorageIfAvailable { bytes in
            Self.absorb(bytes, into: state, stopAtQuery: stopAtQuery)
        }
        return fast ?? Self.absorb(text.utf8, into: state, stopAtQuery: stopAtQuery)
    }

    private static func absorb(_ bytes: some Sequence<UInt8>, into state: UInt64, stopAtQuery: Bool) -> UInt64 {
        var h = state
        for byte in bytes {
            if stopAtQuery && (byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")) { break }
            h = StableHash.absorb(h, byte: byte)
        }
        return h
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

    /// The stable hash of the address bytes (FNV-1a of the used bytes, then the finaliser).
    public var stableHash: UInt64 {
        var state = StableHash.absorb(StableHash.seed, byte: count)
        for index in 0..<Int(count) {
            let word = index < 8 ? high : low
            let shift = UInt64(56 - 8 * (index % 8))
            state = StableHash.absorb(state, byte: UInt8(truncatingIfNeeded: word >> shift))
        }
        return StableHash.mix(state)
    }
}
