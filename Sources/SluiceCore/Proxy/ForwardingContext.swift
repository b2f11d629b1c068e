/// The parameters of the RFC 7239 `Forwarded` header Sluice adds, from lighttpd 1.4's
/// `proxy.forwarded = ( "for" => 1, "proto" => 1, "host" => 1, "by" => 1, "remote_user" => 1 )`.
/// Empty (the default): no `Forwarded` header is added, only the `X-Forwarded-*` ones.
public struct ForwardedParameters: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `for=`: the connecting peer.
    public static let `for` = ForwardedParameters(rawValue: 1 << 0)
    /// `proto=http|https`.
    public static let proto = ForwardedParameters(rawValue: 1 << 1)
    /// `host="<Host>"`.
    public static let host = ForwardedParameters(rawValue: 1 << 2)
    /// `by="<local address:port>"`: the socket that accepted the request.
    public static let by = ForwardedParameters(rawValue: 1 << 3)
    /// `remote_user="<user>"` (lighttpd's extension), when auth named a user.
    public static let remoteUser = ForwardedParameters(rawValue: 1 << 4)

    /// Parses the keys of `proxy.forwarded` (lighttpd accepts exactly these); nil for an unknown key.
    public init?(configKey: String) {
        switch configKey {
        case "for": self = .for
        case "proto": self = .proto
        case "host": self = .host
        case "by": self = .by
        case "remote_user": self = .remoteUser
        default: return nil
        }
    }
}

/// A socket address as the forwarding headers write it, made once per connection (formatting an address
/// allocates; requests on a keep-alive connection reuse it).
public struct PeerAddress: Sendable, Hashable {
    /// `192.0.2.1`, `2001:db8::1` (no brackets), or `unknown` (RFC 7239 §6.3) for a Unix-socket peer.
    public var text: String
    public var isIPv6: Bool
    /// The port, when known (only `by=` shows it).
    public var port: UInt16?

    public init(text: String, isIPv6: Bool = false, port: UInt16? = nil) {
        self.text = text
        self.isIPv6 = isIPv6
        self.port = port
    }

    public init(_ address: IPAddress?, port: UInt16? = nil) {
        if let address {
            self.init(text: address.description, isIPv6: !address.isIPv4, port: port)
        } else {
            self = .unknown
        }
    }

    /// A peer without an IP address (Unix socket).
    public static let unknown = PeerAddress(text: "unknown")
}

/// What the request headers to the backend say about the client's side of the exchange.
public struct ForwardingContext: Sendable {
    /// The peer of the client connection (appended to `X-Forwarded-For`, `for=`). With mod_extforward this is
    /// still the socket peer: the client it names is already in the incoming `X-Forwarded-For`.
    public var peer: PeerAddress
    /// The listening socket's address, for `by=`; nil leaves `by=` out.
    public var local: PeerAddress?
    /// `http` or `https` (`X-Forwarded-Proto`, `proto=`).
    public var scheme: String
    /// The Host the request is for: its `Host` header, or the authority of an absolute-form target
    /// (RFC 9112 §3.2.2). Nil when the client sent none (HTTP/1.0); the backend then gets an empty `Host`.
    public var host: String?
    /// The `Host` the backend gets instead of `host` (`proxy.replace-http-host`); `X-Forwarded-Host` still says
    /// `host`.
    public var backendHost: String?
    /// `X-Forwarded-Prefix` (`BackendTarget.forwardedPrefix`); empty: no header.
    public var prefix: [UInt8]
    /// The authenticated user, for `remote_user=`.
    public var remoteUser: String?

    public init(peer: PeerAddress, local: PeerAddress? = nil, scheme: String = "http", host: String?,
                prefix: [UInt8] = [], remoteUser: String? = nil, backendHost: String? = nil) {
        self.peer = peer
        self.backendHost = backendHost
        self.local = local
        self.scheme = scheme
        self.host = host
        self.prefix = prefix
        self.remoteUser = remoteUser
    }
}

/// How the request body reaches the backend. Sluice frames it itself (SPEC §4: "The backend always receives a
/// request framed by Sluice itself"), so the client's `Content-Length` / `Transfer-Encoding` are never copied.
public enum RequestBodyFraming: Sendable, Hashable {
    /// No body: the client sent neither `Content-Length` nor `Transfer-Encoding`.
    case none
    /// A body of this many bytes (`Content-Length: 010` goes out as `10`).
    case length(Int)
    /// A body of unknown length, streamed chunked.
    case chunked
}
