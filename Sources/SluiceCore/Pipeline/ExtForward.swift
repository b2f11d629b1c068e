import LighttpdConfig

/// mod_extforward (lighttpd): when the connection comes from a trusted proxy, the client is the last
/// address in the forwarding header that is not itself trusted (the header is read right to left, so a
/// client cannot forge its way past the proxies it went through). Conditions on `remoteip`, the access log
/// and sticky balancing then see that client; `X-Forwarded-For` sent on still ends with the real peer.
public struct ExtForwardPolicy: Sendable {
    /// `"all" => "trust"`.
    public var trustsEveryone: Bool
    public var trusted: [CIDRBlock]
    /// Headers read, in order; the first present one is used (`extforward.headers`).
    public var headers: [String]

    public static let defaultHeaders = ["X-Forwarded-For", "Forwarded-For"]

    public init(trustsEveryone: Bool, trusted: [CIDRBlock], headers: [String] = defaultHeaders) {
        self.trustsEveryone = trustsEveryone
        self.trusted = trusted
        self.headers = headers
    }

    public func trusts(_ address: IPAddress) -> Bool {
        trustsEveryone || trusted.contains { $0.contains(address) }
    }

    /// The client address for a connection from `peer` carrying `headers`, or nil to keep `peer`.
    public func clientAddress(peer: IPAddress?, headers lookup: some HeaderLookup) -> IPAddress? {
        guard let peer, trusts(peer) else { return nil }
        for name in headers {
            guard let value = lookup.firstValue(name: name) else { continue }
            let entries = ExtForwardPolicy.addresses(in: value, forwardedSyntax: name.lowercased() == "forwarded")
            var candidate: IPAddress?
            for entry in entries.reversed() {
                guard let address = IPAddress(entry) else { return candidate }  // garbage: stop at what we have
                candidate = address
                if !trusts(address) { return address }
            }
            return candidate
        }
        return nil
    }

    /// `a, b, c` (X-Forwarded-For) or the `for=` values of RFC 7239 `Forwarded` (`for="[2001:db8::1]:80"`).
    static func addresses(in value: String, forwardedSyntax: Bool) -> [Substring] {
        let items = value.split(separator: ",").map { $0.trimmingSpaces }
        guard forwardedSyntax else { return items.map { stripPort($0) } }
        return items.compactMap { element in
            for pair in element.split(separator: ";") {
                let trimmed = pair.trimmingSpaces
                guard trimmed.lowercased().hasPrefix("for=") else { continue }
                var node = trimmed.dropFirst(4)
                if node.hasPrefix("\""), node.hasSuffix("\""), node.count >= 2 { node = node.dropFirst().dropLast() }
                return stripPort(node)
            }
            return nil
        }
    }

    /// `[::1]:80` → `::1`, `192.0.2.1:80` → `192.0.2.1`; a bare IPv6 address is left alone.
    static func stripPort(_ node: Substring) -> Substring {
        if node.hasPrefix("["), let close = node.firstIndex(of: "]") {
            return node[node.index(after: node.startIndex)..<close]
        }
        if node.filter({ $0 == ":" }).count == 1, let colon = node.firstIndex(of: ":") { return node[..<colon] }
        return node
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
