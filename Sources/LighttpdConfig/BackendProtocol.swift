/// `proxy-core.protocol` (SPEC §4): how Sluice talks to a group's backends. The balancer, pools, health and
/// failure handling are the same for all three; only the bytes on the upstream connection differ.
public enum BackendProtocol: String, Sendable, CaseIterable {
    /// HTTP/1.1 (`mod_proxy_backend_http`), the default.
    case http
    /// FastCGI responder role (`mod_proxy_backend_fastcgi`): one request at a time per connection, kept open
    /// with `FCGI_KEEP_CONN`, so connections are pooled as for HTTP.
    case fastcgi
    /// SCGI (`mod_proxy_backend_scgi`): one request per connection; the backend closes it after the response.
    case scgi

    /// The module `server.modules` must load for this protocol.
    public var module: String { "mod_proxy_backend_\(rawValue)" }

    /// CGI-style protocols state the body's length before it (`CONTENT_LENGTH`, RFC 3875 §4.1.2): a body of
    /// unknown length (chunked) is read whole first.
    public var needsContentLength: Bool { self != .http }

    /// Only HTTP can switch protocols: an `Upgrade` request to a FastCGI or SCGI backend goes on as a plain one.
    public var tunnels: Bool { self == .http }
}
