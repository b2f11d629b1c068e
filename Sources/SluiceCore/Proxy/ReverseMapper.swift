/// Rewrites what a backend says about its own URLs into what the client must use (SPEC §4 "Reverse map": Apache's
/// `ProxyPassReverse` and `ProxyPassReverseCookiePath`, lighttpd 1.4's `proxy.header` `map-urlpath` /
/// `map-host-response`, done automatically from the derived `PathMapping`). Used when `proxy-core.reverse-map`
/// is on (the default).
///
/// `Location` / `Content-Location`:
/// - an absolute URL on the backend's own `host:port` (`BackendAuthority`, any spelling, port 80 implied by
///   `http://`) becomes the client's scheme and Host plus the mapped path:
///   `http://127.0.0.1:3001/welcome` under `/app` → `http://front.example/app/welcome`. This host remap applies
///   even when the prefix is empty: with the canonical config (client `/x` → `/proxy/x` → backend `/x`) a
///   redirect to `http://127.0.0.1:3001/welcome` reaches the client as `http://<client Host>/welcome`, since the
///   backend's address means nothing to a client. A path outside the backend prefix keeps its path;
/// - an absolute URL on the client's own Host (which the backend received, since the client `Host` is kept: a
///   backend that builds absolute URLs from Host, as Rails does, writes this form) gets the prefix, its scheme
///   and authority kept: `http://front.example/login` → `http://front.example/app/login`;
/// - a path-absolute one gets the prefix: `/login` → `/app/login`;
/// - anything else (relative references, other hosts, `user@host`) is left alone.
///
/// `Set-Cookie`: a `Path` attribute (name case-insensitive, RFC 6265 §5.2) inside the backend prefix gets the
/// client prefix: `Path=/x` → `Path=/app/x`, `Path=/` → `Path=/app/`. That is lighttpd's prefix replacement; Apache's
/// `ProxyPassReverseCookiePath / /app/` gives the same `/app/` for `Path=/` but replaces every matching path
/// wholesale (`Path=/x` → `/app/`), losing the cookie's scope, so Sluice does not follow it. The trailing `/`
/// of `/app/` is kept as SPEC asks: by RFC 6265 §5.1.4 such a cookie is sent for `/app/...` but not for the bare
/// `/app` (which redirects to `/app/` in most applications). Cookies without `Path`, and `Domain`, are untouched.
///
/// The `Host` sent to the backend, when it is not the client's (`proxy.replace-http-host`, `map-host-request`), is
/// the backend's own authority too: a backend building URLs from its Host writes it. lighttpd 1.4's
/// `map-host-response` entries (`hostMappings`) come first: a URL or `Set-Cookie` `Domain=` naming one of them gets
/// its replacement, and with `https-remap` an `http://` URL mapped so gets `https://` for an https client.
///
/// A backend that itself honours `X-Forwarded-Prefix` already writes client paths; disable `reverse-map` for it,
/// or they get the prefix twice (as with Apache and lighttpd).
public struct ReverseMapper: Sendable {
    public var mapping: PathMapping
    /// `http` or `https`: what the client used.
    public var clientScheme: String
    /// The client's Host; nil when it sent none (then mapped URLs become path-absolute).
    public var clientHost: String?
    /// The backend that answered, nil for a Unix-socket backend.
    public var backend: BackendAuthority?
    /// The `Host` the backend received when it was not the client's.
    public var sentHost: BackendAuthority?
    /// `map-host-response`, resolved for this request (`HostMap.responseMappings`).
    public var hostMappings: [HostMapping]
    /// `proxy.header` `https-remap`.
    public var httpsRemap: Bool

    public init(
        mapping: PathMapping, clientScheme: String, clientHost: String?, backend: BackendAuthority?,
        sentHost: String? = nil, hostMappings: [HostMapping] = [], httpsRemap: Bool = false
    ) {
        self.mapping = mapping
        self.clientScheme = clientScheme
        self.clientHost = clientHost
        self.backend = backend
        self.sentHost = sentHost.flatMap(BackendAuthority.init(hostHeader:))
        self.hostMappings = hostMappings
        self.httpsRemap = httpsRemap
    }

    /// The client's form of a `Location` or `Content-Location` value; nil when it stays as it is.
    public func mapLocation(_ value: String) -> String? {
        var value = value
        return value.withUTF8 { mapLocation(bytes: $0) }
    }

    private func mapLocation(bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.first == UInt8(ascii: "/") && (bytes.count < 2 || bytes[1] != UInt8(ascii: "/")) {
            guard !mapping.isIdentity, let path = mapping.clientPath(forBackendPath: bytes) else { return nil }
            return String(decoding: path, as: UTF8.self)
        }
        guard let url = AbsoluteURL(bytes) else { return nil }
        let path = url.pathAndRest
        let mappedPath: [UInt8]?
        if path.isEmpty || path.first != UInt8(ascii: "/") {
            // `http://host` or `http://host?q`: the path is `/`.
            mappedPath = mapping.clientPath(forBackendPath: [UInt8(ascii: "/")] + Array(path))
        } else {
            mappedPath = mapping.isIdentity ? nil : mapping.clientPath(forBackendPath: path)
        }
        if let mapped = hostMapping(for: url.authority) {
            let scheme: String
            switch url.scheme {
            // A key mapped to itself (a "" value) leaves the URL alone, scheme included.
            case .http: scheme = httpsRemap && clientScheme == "https" && mapped.to != mapped.from ? "https://" : "http://"
            case .https: scheme = "https://"
            case .relative: scheme = "//"
            }
            var result = Array(scheme.utf8) + Array(mapped.to.utf8)
            if let mappedPath {
                result.append(contentsOf: mappedPath)
            } else {
                result.append(contentsOf: path)
            }
            let text = String(decoding: result, as: UTF8.self)
            return text.utf8.elementsEqual(UnsafeBufferPointer(rebasing: bytes[...])) ? nil : text
        }
        if backend?.matches(url.authority, scheme: url.scheme) == true
            || sentHost?.matches(url.authority, scheme: url.scheme) == true
        {
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count + (clientHost?.utf8.count ?? 0) + mapping.clientPrefix.count)
            if let clientHost, !clientHost.isEmpty {
                result.append(contentsOf: clientScheme.utf8)
                result.append(contentsOf: "://".utf8)
                result.append(contentsOf: clientHost.utf8)
            }
            if let mappedPath {
                result.append(contentsOf: mappedPath)
            } else if path.first == UInt8(ascii: "/") {
                result.append(contentsOf: path)
            } else {
                result.append(UInt8(ascii: "/"))
                result.append(contentsOf: path)
            }
            return String(decoding: result, as: UTF8.self)
        }
        guard !mapping.isIdentity, let mappedPath, isClientHost(url) else { return nil }
        var result = Array(UnsafeBufferPointer(rebasing: bytes[..<url.pathStart]))
        result.append(contentsOf: mappedPath)
        return String(decoding: result, as: UTF8.self)
    }

    /// The first `map-host-response` entry naming `authority` (ASCII case-insensitively).
    private func hostMapping(for authority: UnsafeBufferPointer<UInt8>) -> HostMapping? {
        guard !hostMappings.isEmpty else { return nil }
        return hostMappings.first { mapping in
            mapping.from.utf8.elementsEqual(authority) { asciiLowercased($0) == asciiLowercased($1) }
        }
    }

    private func isClientHost(_ url: AbsoluteURL) -> Bool {
        guard var host = clientHost, !host.isEmpty else { return false }
        return host.withUTF8 { hostBytes in
            guard let client = URLAuthority(hostBytes), let named = URLAuthority(url.authority) else { return false }
            let clientDefault = clientScheme == "https" ? 443 : 80
            return client.host.elementsEqual(named.host) { asciiLowercased($0) == asciiLowercased($1) }
                && (client.port ?? clientDefault) == (named.port ?? url.scheme.defaultPort)
        }
    }

    /// The client's form of a `Set-Cookie` value; nil when it stays as it is. `Path=` gets the client prefix;
    /// `Domain=` its `map-host-response` replacement.
    public func mapSetCookie(_ value: String) -> String? {
        let mapsPaths = !mapping.isIdentity, mapsDomains = !hostMappings.isEmpty
        guard mapsPaths || mapsDomains else { return nil }
        var value = value
        return value.withUTF8 { bytes -> String? in
            var result: [UInt8]?
            var copied = 0
            // Attributes follow the first `;` (RFC 6265 §5.2); the name=value pair before it is never touched.
            var cursor = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
            while cursor < bytes.count {
                let start = cursor + 1
                let end = bytes[start...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
                cursor = end
                guard let equals = bytes[start..<end].firstIndex(of: UInt8(ascii: "=")) else { continue }
                var nameStart = start, nameEnd = equals
                while nameStart < nameEnd && HeaderTokens.isOWS(bytes[nameStart]) { nameStart += 1 }
                while nameEnd > nameStart && HeaderTokens.isOWS(bytes[nameEnd - 1]) { nameEnd -= 1 }
                let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])
                let isPath = mapsPaths && name.equalsLowercase("path")
                guard isPath || (mapsDomains && name.equalsLowercase("domain")) else { continue }
                var valueStart = equals + 1
                while valueStart < end && HeaderTokens.isOWS(bytes[valueStart]) { valueStart += 1 }
                if valueStart < end && bytes[valueStart] == UInt8(ascii: "\"") { valueStart += 1 }  // as lighttpd
                var valueEnd = end
                while valueEnd > valueStart && HeaderTokens.isOWS(bytes[valueEnd - 1]) { valueEnd -= 1 }
                if valueEnd > valueStart && bytes[valueEnd - 1] == UInt8(ascii: "\"") { valueEnd -= 1 }
                let attribute = UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd])
                guard let mapped = isPath ? mapping.clientPath(forBackendPath: attribute) : mappedDomain(attribute)
                else { continue }
                if result == nil {
                    result = []
                    result!.reserveCapacity(bytes.count + 2 * mapping.clientPrefix.count + 1)
                }
                result!.append(contentsOf: bytes[copied..<valueStart])
                result!.append(contentsOf: mapped)
                copied = valueEnd
            }
            guard var result else { return nil }
            result.append(contentsOf: bytes[copied...])
            return String(decoding: result, as: UTF8.self)
        }
    }

    /// A cookie `Domain` (a leading `.` kept) naming the host of a `map-host-response` entry: that entry's
    /// host instead (ports never appear in a domain).
    private func mappedDomain(_ domain: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let dotted = domain.first == UInt8(ascii: ".")
        let name = dotted ? UnsafeBufferPointer(rebasing: domain.dropFirst()) : domain
        func host(_ authority: String) -> [UInt8] {
            var text = authority
            return text.withUTF8 { URLAuthority($0).map { Array($0.host) } ?? Array($0) }
        }
        for entry in hostMappings {
            let from = host(entry.from)
            guard from.elementsEqual(name, by: { asciiLowercased($0) == asciiLowercased($1) }) else { continue }
            let to = host(entry.to)
            if to.elementsEqual(from) { return nil }
            return (dotted ? [UInt8(ascii: ".")] : []) + to
        }
        return nil
    }
}

/// `scheme://authority[/path][?query][#fragment]` (http, https) or `//authority…`, split without copying.
struct AbsoluteURL {
    var scheme: URLAuthority.Scheme
    var authority: UnsafeBufferPointer<UInt8>
    /// Offset of what follows the authority in the whole value.
    var pathStart: Int
    /// Path, query and fragment (may be empty or start with `?` / `#`).
    var pathAndRest: UnsafeBufferPointer<UInt8>

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        let authorityStart: Int
        if bytes.count >= 2 && bytes[0] == UInt8(ascii: "/") && bytes[1] == UInt8(ascii: "/") {
            scheme = .relative
            authorityStart = 2
        } else if UnsafeBufferPointer(rebasing: bytes.prefix(7)).equalsLowercase("http://") {
            scheme = .http
            authorityStart = 7
        } else if UnsafeBufferPointer(rebasing: bytes.prefix(8)).equalsLowercase("https://") {
            scheme = .https
            authorityStart = 8
        } else {
            return nil
        }
        var end = authorityStart
        while end < bytes.count, bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: "?"),
            bytes[end] != UInt8(ascii: "#")
        {
            end += 1
        }
        authority = UnsafeBufferPointer(rebasing: bytes[authorityStart..<end])
        pathStart = end
        pathAndRest = UnsafeBufferPointer(rebasing: bytes[end...])
    }
}
