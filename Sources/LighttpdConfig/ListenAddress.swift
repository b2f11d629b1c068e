/// Where a socket listens: `server.bind` + `server.port`, or a `$SERVER["socket"]` value such as `":8443"`,
/// `"127.0.0.1:8443"`, `"[::1]:8443"` or `"/run/sluice.sock"`.
public enum ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// `host` is an IP literal or a name; empty means every IPv4 address.
    case inet(host: String, port: Int)
    case unix(path: String)

    /// Parses a `$SERVER["socket"]` value; `defaultHost` fills in `":port"`.
    /// Every IPv4 address, however it is written (lighttpd documents "*:443"), is the empty host.
    public static func normalizedHost(_ host: String) -> String {
        host == "*" || host == "0.0.0.0" ? "" : host
    }

    public static func parse(socket text: String, defaultHost: String) -> ListenAddress? {
        if text.hasPrefix("/") { return .unix(path: text) }
        if text.hasPrefix("unix:") { return .unix(path: String(text.dropFirst(5))) }
        var host: Substring
        var portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return nil }  // an IPv6 literal must be bracketed
        }
        guard let port = Int(portText), (0...65535).contains(port) else { return nil }
        if host.isEmpty { host = Substring(defaultHost) }
        return .inet(host: normalizedHost(String(host)), port: port)
    }

    public var description: String {
        switch self {
        case .inet(let host, let port):
            let shown = host.isEmpty ? "0.0.0.0" : host
            return shown.contains(":") ? "[\(shown)]:\(port)" : "\(shown):\(port)"
        case .unix(let path):
            return "unix:\(path)"
        }
    }
}

/// TLS settings of one listening socket (`ssl.*`).
public struct TLSSettings: Sendable, Hashable {
    public var certificateChainFile: String
    public var privateKeyFile: String?
    public var caFile: String?
    /// `ssl.cipher-list`, or `CipherString` of `ssl.openssl.ssl-conf-cmd`: OpenSSL's cipher list syntax, for
    /// TLS 1.2 and below.
    public var cipherList: String?
    /// `MinProtocol` / `MaxProtocol` of `ssl.openssl.ssl-conf-cmd`: `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`.
    public var minimumVersion: String?
    public var maximumVersion: String?
    /// Certificates for the names clients ask for (SNI, `SNICertificates`), in config order: the last whose
    /// block matches the name wins, as for any setting.
    public var hostCertificates: [HostCertificate] = []

    /// `ssl.pemfile` (and `ssl.privkey`, `ssl.ca-file`) of one `$HTTP["host"]` block.
    public struct HostCertificate: Sendable, Hashable {
        public var block: Int
        /// The conditions that choose it, as written (`$HTTP["host"] == "b.example"`, outermost first): with the
        /// files, what a reload compares (block numbers move when unrelated blocks are added).
        public var conditions: String
        public var certificateChainFile: String
        public var privateKeyFile: String?
        public var caFile: String?
    }

    /// The protocol names `MinProtocol` and `MaxProtocol` accept.
    public static let protocolNames = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

    /// The TLS 1.2-and-below cipher names and the aliases BoringSSL (Sluice's TLS library) knows
    /// (`ssl/ssl_cipher.cc`). A cipher list naming anything else, or leaving no such cipher, would make
    /// BoringSSL refuse it when the listener starts (swift-nio-ssl then stops the process), so it is refused
    /// when the config is loaded.
    public static let cipherNames: Set<String> = [
        "AES128-GCM-SHA256", "AES128-SHA", "AES256-GCM-SHA384", "AES256-SHA", "DES-CBC3-SHA",
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES128-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES256-SHA", "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-PSK-AES128-CBC-SHA", "ECDHE-PSK-AES256-CBC-SHA", "ECDHE-PSK-CHACHA20-POLY1305",
        "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES128-SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-SHA", "ECDHE-RSA-CHACHA20-POLY1305",
        "PSK-AES128-CBC-SHA", "PSK-AES256-CBC-SHA",
    ]
    public static let cipherAliases: Set<String> = [
        "ALL", "kRSA", "kECDHE", "kEECDH", "ECDH", "kPSK", "aRSA", "aECDSA", "ECDSA", "aPSK", "ECDHE", "EECDH",
        "RSA", "PSK", "3DES", "AES128", "AES256", "AES", "AESGCM", "CHACHA20", "SHA1", "SHA", "SSLv3", "TLSv1",
        "TLSv1.2", "HIGH", "FIPS", "DEFAULT", "COMPLEMENTOFDEFAULT",
    ]

    /// Why BoringSSL would refuse `list` (OpenSSL cipher-list syntax), or nil when it takes it.
    public static func cipherListProblem(_ list: String) -> String? {
        var selects = false
        for element in list.split(whereSeparator: { $0 == ":" || $0 == "," || $0 == " " }) {
            var token = Substring(element)
            let excludes = token.first == "!" || token.first == "-"
            if let first = token.first, "!-+".contains(first) { token = token.dropFirst() }
            if token.hasPrefix("@") {
                guard token == "@STRENGTH" else { return "\"\(token)\" is not supported (only @STRENGTH)" }
                continue
            }
            for part in token.split(separator: "+") {
                let name = String(part)
                guard cipherNames.contains(name) || cipherAliases.contains(name) else {
                    return "unknown cipher or alias \"\(name)\"" + (name.hasPrefix("TLS_")
                        ? " (TLS 1.3 suites are BoringSSL's fixed set; list TLS 1.2 ciphers here)" : "")
                }
            }
            if !excludes { selects = true }
        }
        return selects ? nil : "selects no cipher"
    }
}

/// One listening socket and the config block that describes it (nil for the main socket).
public struct ListenerSettings: Sendable, Hashable {
    public var address: ListenAddress
    public var tls: TLSSettings?
    /// The block that gives the socket its TLS (0: the global one).
    public var tlsBlock = 0
    /// The `$SERVER["socket"]` blocks naming this socket (lighttpd allows repeating one), so requests on it
    /// match those conditions.
    public var blockIndices: [Int]
    public var location: SourceLocation
}
