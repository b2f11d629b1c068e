#if canImport(Glibc)
import Glibc
#endif

/// A `proxy-core.backends` entry: `"host:port"`, `"host"` (port 80), `"1.2.3.4:80"`, `"[::1]:80"`, `"[::1]"`
/// or `"unix:/path"` (lighttpd 1.5's forms).
public enum BackendAddress: Sendable, Hashable, CustomStringConvertible {
    case host(name: String, port: Int)
    case unix(path: String)

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ text: String) -> Result<BackendAddress, ParseError> {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard path.hasPrefix("/") else { return .failure(.init(description: "a unix socket path must be absolute")) }
            return .success(.unix(path: path))
        }
        var host: Substring = Substring(text)
        var port = 80
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return .failure(.init(description: "missing ']' after the IPv6 address"))
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()) else {
                    return .failure(.init(description: "expected ':PORT' after ']'"))
                }
                port = p
            }
        } else if let colon = text.lastIndex(of: ":") {
            if text[..<colon].contains(":") {
                return .failure(.init(description: "an IPv6 address must be written in brackets: \"[::1]:80\""))
            }
            host = text[..<colon]
            guard let p = Int(text[text.index(after: colon)...]) else {
                return .failure(.init(description: "the port must be a number"))
            }
            port = p
        }
        guard (1...65535).contains(port) else {
            return .failure(.init(description: "port \(port) is out of range (1-65535)"))
        }
        guard !host.isEmpty, host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }) else {
            return .failure(.init(description: "\"\(host)\" is not a host name or address"))
        }
        return .success(.host(name: String(host), port: port))
    }

    public var description: String {
        switch self {
        case .host(let name, let port): return name.contains(":") ? "[\(name)]:\(port)" : "\(name):\(port)"
        case .unix(let path): return "unix:\(path)"
        }
    }

    /// The concrete addresses to connect to: a name resolving to several addresses gives several backends
    /// (lighttpd 1.5's split-hostnames). Blocking (getaddrinfo); called once at load time.
    public func resolve() -> Result<[ResolvedBackend], ParseError> {
        switch self {
        case .unix(let path):
            return .success([ResolvedBackend(label: description, address: .unix(path: path))])
        case .host(let name, let port):
            if let ip = IPAddress(name) {
                return .success([ResolvedBackend(label: description, address: .ip(ip, port: port))])
            }
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_family = AF_UNSPEC
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(name, nil, &hints, &list)
            guard status == 0, let first = list else {
                return .failure(.init(description: "cannot resolve \"\(name)\": \(String(cString: gai_strerror(status)))"))
            }
            defer { freeaddrinfo(first) }
            var addresses: [IPAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let info = cursor {
                if let ip = IPAddress(sockaddr: info.pointee.ai_addr) { addresses.append(ip) }
                cursor = info.pointee.ai_next
            }
            return backends(resolvedTo: addresses)
        }
    }

    /// The backends of a name that resolved to `addresses` (in resolver order, repeats dropped: getaddrinfo
    /// lists an address once per socket type and protocol it knows), each labelled `name:port (address:port)`.
    func backends(resolvedTo addresses: [IPAddress]) -> Result<[ResolvedBackend], ParseError> {
        guard case .host(let name, let port) = self else { return .success([]) }
        var resolved: [ResolvedBackend] = []
        var seen = Set<IPAddress>()
        for ip in addresses where seen.insert(ip).inserted {
            let shown = ip.isIPv4 ? "\(ip):\(port)" : "[\(ip)]:\(port)"
            resolved.append(ResolvedBackend(label: "\(description) (\(shown))", address: .ip(ip, port: port)))
        }
        guard !resolved.isEmpty else { return .failure(.init(description: "\"\(name)\" has no address")) }
        return .success(resolved)
    }
}

/// One connectable backend after name resolution.
public struct ResolvedBackend: Sendable, Hashable, CustomStringConvertible {
    public enum Address: Sendable, Hashable {
        case ip(IPAddress, port: Int)
        case unix(path: String)
    }

    /// How it appears in logs and the status page: the config entry, plus the address for names.
    public var label: String
    public var address: Address

    public var description: String { label }
}

extension IPAddress {
    init?(sockaddr pointer: UnsafeMutablePointer<sockaddr>?) {
        guard let pointer else { return nil }
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET:
            let v4 = pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            self.init(ipv4: UInt32(bigEndian: v4))
        case AF_INET6:
            var v6 = pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            self.init(bytes16: withUnsafeBytes(of: &v6) { Array($0) })
        default:
            return nil
        }
    }
}
