/// The ways a backend can name itself in an absolute URL (`http://127.0.0.1:3001/x`, `http://localhost:3001/x`,
/// `http://[::1]:3001/x`, and without the port when it is 80): what the reverse map recognises as "pointing at
/// the backend's own host:port" (SPEC §4, Apache's `ProxyPassReverse /app/ http://127.0.0.1:3001/`).
///
/// Made once per backend at load time; matching a URL's authority compares bytes, case-insensitively.
public struct BackendAuthority: Sendable, Hashable {
    /// Host forms, lower-cased: the IP literal (IPv6 in brackets) and, for a configured name, the name.
    public var hosts: [[UInt8]]
    public var port: Int

    public init(hosts: [String], port: Int) {
        self.hosts = hosts.map { Array($0.lowercased().utf8) }
        self.port = port
    }

    /// The forms of a resolved backend: its address, and the name it was configured with (the label of a
    /// resolved name reads `"name:port (address:port)"`). A Unix-socket backend has no authority: nil.
    public init?(_ backend: ResolvedBackend) {
        guard case .ip(let ip, let port) = backend.address else { return nil }
        var hosts = [ip.isIPv4 ? ip.description : "[" + ip.description + "]"]
        let configured = backend.label.split(separator: " ", maxSplits: 1).first.map(String.init) ?? backend.label
        if case .success(.host(let name, _)) = BackendAddress.parse(configured), IPAddress(name) == nil {
            hosts.append(name)
        }
        self.init(hosts: hosts, port: port)
    }

    /// A `Host` header value (`name[:port]`, port 80 when absent) as an authority; nil when it does not parse.
    init?(hostHeader: String) {
        var text = hostHeader
        guard let parsed = text.withUTF8({ URLAuthority($0).map { (String(decoding: $0.host, as: UTF8.self), $0.port) } })
        else { return nil }
        self.init(hosts: [parsed.0], port: parsed.1 ?? 80)
    }

    /// Whether `authority` (from a URL with `scheme`, lower-case `http`/`https`, or nil for `//host/…`) names this
    /// backend. A missing port means the scheme's default (RFC 9110 §4.2.1 / §4.2.2): 80 for `http` and for a
    /// scheme-relative URL (Sluice talks plain HTTP to backends), 443 for `https`.
    func matches(_ authority: UnsafeBufferPointer<UInt8>, scheme: URLAuthority.Scheme) -> Bool {
        guard let parsed = URLAuthority(authority) else { return false }
        guard (parsed.port ?? scheme.defaultPort) == port else { return false }
        return hosts.contains { host in parsed.host.elementsEqual(host) { asciiLowercased($0) == $1 } }
    }
}

/// `host[:port]` of a URL or a Host header, split without copying.
struct URLAuthority {
    enum Scheme {
        case http, https, relative
        var defaultPort: Int { self == .https ? 443 : 80 }
    }

    var host: UnsafeBufferPointer<UInt8>
    var port: Int?

    /// Nil for an empty host, a bad port or userinfo (`user@host`, which the reverse map leaves alone).
    init?(_ text: UnsafeBufferPointer<UInt8>) {
        guard !text.isEmpty, !text.contains(UInt8(ascii: "@")) else { return nil }
        var hostEnd = text.count
        if text[0] == UInt8(ascii: "[") {
            guard let close = text.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            hostEnd = close + 1
        } else if let colon = text.firstIndex(of: UInt8(ascii: ":")) {
            hostEnd = colon
        }
        host = UnsafeBufferPointer(rebasing: text[..<hostEnd])
        guard !host.isEmpty else { return nil }
        if hostEnd < text.count {
            guard text[hostEnd] == UInt8(ascii: ":"), hostEnd + 1 < text.count, text.count - hostEnd <= 6 else {
                return nil
            }
            var value = 0
            for byte in text[(hostEnd + 1)...] {
                guard byte &- UInt8(ascii: "0") < 10 else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            port = value
        }
    }
}
