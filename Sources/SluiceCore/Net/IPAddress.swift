#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address as 16 bytes (IPv4 as an IPv4-mapped IPv6 address, `::ffff:a.b.c.d`), so one
/// comparison works for both families (`$HTTP["remoteip"]`, `extforward.forwarder`).
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64
    public var isIPv4: Bool

    public init(high: UInt64, low: UInt64, isIPv4: Bool) {
        self.high = high
        self.low = low
        self.isIPv4 = isIPv4
    }

    /// Parses `"192.0.2.1"`, `"::1"`, `"[::1]"` or `"::ffff:192.0.2.1"` (no zone ids, no ports).
    public init?(_ text: some StringProtocol) {
        var s = String(text)
        if s.hasPrefix("["), s.hasSuffix("]") { s = String(s.dropFirst().dropLast()) }
        if !s.contains(":") {
            var v4 = in_addr()
            guard inet_pton(AF_INET, s, &v4) == 1 else { return nil }
            self.init(ipv4: UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, s, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        self.init(bytes16: bytes)
    }

    public init(ipv4: UInt32) {
        self.high = 0
        self.low = 0x0000_FFFF_0000_0000 | UInt64(ipv4)
        self.isIPv4 = true
    }

    /// From 16 network-order bytes; an IPv4-mapped address counts as IPv4.
    public init(bytes16 bytes: [UInt8]) {
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<8 { high = high << 8 | UInt64(bytes[i]) }
        for i in 8..<16 { low = low << 8 | UInt64(bytes[i]) }
        self.high = high
        self.low = low
        self.isIPv4 = high == 0 && (low >> 32) == 0xFFFF
    }

    public var description: String {
        if isIPv4 {
            let v = UInt32(truncatingIfNeeded: low)
            return "\(v >> 24).\((v >> 16) & 0xFF).\((v >> 8) & 0xFF).\(v & 0xFF)"
        }
        var addr = in6_addr()
        withUnsafeMutableBytes(of: &addr) { raw in
            for i in 0..<8 { raw[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * i)) }
            for i in 0..<8 { raw[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * i)) }
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count)) != nil else { return "::" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An address block: `"10.0.0.0/8"`, `"2001:db8::/32"`, or a single address (`/32`, `/128`).
public struct CIDRBlock: Sendable, Hashable, CustomStringConvertible {
    public var network: IPAddress
    /// Prefix length counted on the 128-bit form (an IPv4 `/8` is stored as 96 + 8).
    public var prefixLength: Int

    /// Parses `ADDRESS` or `ADDRESS/BITS`; bits beyond the prefix must be zero in neither lighttpd nor here.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maximum = address.isIPv4 ? 32 : 128
        var bits = maximum
        if parts.count == 2 {
            guard let b = Int(parts[1]), (0...maximum).contains(b) else { return nil }
            bits = b
        }
        self.prefixLength = address.isIPv4 ? 96 + bits : bits
        self.network = CIDRBlock.mask(address, prefixLength: self.prefixLength)
    }

    static func mask(_ address: IPAddress, prefixLength: Int) -> IPAddress {
        let highMask: UInt64 = prefixLength >= 64 ? .max : prefixLength == 0 ? 0 : ~(UInt64.max >> prefixLength)
        let lowMask: UInt64 =
            prefixLength >= 128 ? .max : prefixLength <= 64 ? 0 : ~(UInt64.max >> (prefixLength - 64))
        return IPAddress(high: address.high & highMask, low: address.low & lowMask, isIPv4: address.isIPv4)
    }

    public func contains(_ address: IPAddress) -> Bool {
        let masked = CIDRBlock.mask(address, prefixLength: prefixLength)
        return masked.high == network.high && masked.low == network.low
    }

    public var description: String {
        "\(network)/\(network.isIPv4 ? prefixLength - 96 : prefixLength)"
    }
}
