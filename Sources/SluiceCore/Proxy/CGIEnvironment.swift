/// The CGI/1.1 meta-variables (RFC 3875 §4.1) a FastCGI or SCGI backend receives in place of an HTTP request
/// head, named and filled as lighttpd fills them for its FastCGI and SCGI backends.
///
/// - `SCRIPT_NAME` is the prefix the backend does not see (`X-Forwarded-Prefix` over HTTP; empty for the canonical
///   `/proxy` prefix the rewrite stage added), `PATH_INFO` the rest of the path, decoded, so a WSGI or Rack app
///   mounted under `/app` rebuilds its URLs from `SCRIPT_NAME + PATH_INFO`. A path through a `.php` segment is split
///   after it instead, as lighttpd's `.php` mapping and nginx's usual `fastcgi_split_path_info` do
///   (`/index.php/users/1`: `SCRIPT_NAME=/index.php`, `PATH_INFO=/users/1`), and `SCRIPT_FILENAME` is then the
///   document root followed by `SCRIPT_NAME` (the script PHP-FPM runs); otherwise it is the document root followed
///   by the whole path.
/// - `REQUEST_URI` is the request-target as the client sent it (lighttpd's too; an absolute-form target gives its
///   path and query), `QUERY_STRING` the query the backend receives, still encoded.
/// - Request header fields become `HTTP_*` (`-` → `_`, upper-cased), after the same hop-by-hop filtering and
///   `X-Forwarded-*` additions an HTTP backend gets. Not passed: `Proxy` (httpoxy: `HTTP_PROXY` would be read as a
///   proxy setting), names with `_` (they would pose as a `-` name), and the framing fields (`CONTENT_LENGTH` is
///   the body's length as Sluice sends it). Repeated fields are joined with `, ` (`Cookie` with `; `).
/// - `CONTENT_LENGTH` comes first (SCGI requires it there) and is always set with `alwaysContentLength` (SCGI:
///   `0` without a body); otherwise only when there is a body.
public struct CGIEnvironment: Sendable {
    public var method: String
    /// The target the backend receives (after `proxy-core.rewrite-request "_uri"`), still encoded.
    public var target: [UInt8]
    /// The client's request-target as sent.
    public var requestURI: String
    /// The prefix the backend does not see, still encoded (`BackendTarget.forwardedPrefix`).
    public var scriptName: [UInt8]
    /// `HTTP/1.1` or `HTTP/1.0`: the client's version.
    public var serverProtocol: String
    /// The header fields an HTTP backend would get (`ForwardedRequestHeaders.build`).
    public var fields: [(String, String)]
    /// The body's length; nil: no body.
    public var contentLength: Int?
    public var remoteAddress: String
    /// The client's port; nil when unknown or when `remoteAddress` is not the socket's peer (mod_extforward).
    public var remotePort: Int?
    /// The address of the socket that accepted the request (`SERVER_ADDR`).
    public var serverAddress: String?
    public var serverPort: UInt16
    /// The `Host` the request names (its port is dropped for `SERVER_NAME`).
    public var host: String?
    /// `http` or `https` (`REQUEST_SCHEME`, `HTTPS=on`).
    public var scheme: String
    public var documentRoot: String
    /// The user `auth.require` authenticated (`REMOTE_USER`, `AUTH_TYPE=Basic`).
    public var remoteUser: String?
    public var software: String

    public init(
        method: String, target: [UInt8], requestURI: String, scriptName: [UInt8] = [],
        serverProtocol: String = "HTTP/1.1", fields: [(String, String)], contentLength: Int?,
        remoteAddress: String, remotePort: Int? = nil, serverAddress: String? = nil, serverPort: UInt16, host: String?,
        scheme: String = "http",
        documentRoot: String = "", remoteUser: String? = nil, software: String = "sluice"
    ) {
        self.method = method
        self.target = target
        self.requestURI = requestURI
        self.scriptName = scriptName
        self.serverProtocol = serverProtocol
        self.fields = fields
        self.contentLength = contentLength
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.serverAddress = serverAddress
        self.serverPort = serverPort
        self.host = host
        self.scheme = scheme
        self.documentRoot = documentRoot
        self.remoteUser = remoteUser
        self.software = software
    }

    /// The variables in the order they are sent.
    public func variables(alwaysContentLength: Bool) -> [(name: String, value: [UInt8])] {
        var out: [(name: String, value: [UInt8])] = []
        out.reserveCapacity(24 + fields.count)
        func add(_ name: String, _ value: String) { out.append((name, Array(value.utf8))) }
        if let contentLength {
            add("CONTENT_LENGTH", String(contentLength))
        } else if alwaysContentLength {
            add("CONTENT_LENGTH", "0")
        }
        let query = target.firstIndex(of: UInt8(ascii: "?"))
        let rawPath = target[..<(query ?? target.endIndex)]
        // A path that does not decode (a control byte, a bad escape) names no file: no SCRIPT_FILENAME beyond the root.
        let decodedPath = ConditionPath.decode(rawPath)
        var pathInfo = decodedPath ?? Array(rawPath)
        var script = scriptName.isEmpty ? [] : ConditionPath.decode(scriptName) ?? scriptName
        var scriptFile = decodedPath.map { script + $0 } ?? script
        if let split = Self.phpSplit(script + pathInfo) {
            script = split.script
            pathInfo = split.pathInfo
            scriptFile = decodedPath == nil ? [] : script
        }
        add("GATEWAY_INTERFACE", "CGI/1.1")
        add("SERVER_SOFTWARE", software)
        add("SERVER_PROTOCOL", serverProtocol)
        add("REQUEST_METHOD", method)
        add("REQUEST_SCHEME", scheme)
        if scheme == "https" { add("HTTPS", "on") }
        add("SERVER_NAME", Self.serverName(host: host))
        if let serverAddress { add("SERVER_ADDR", serverAddress) }
        add("SERVER_PORT", String(serverPort))
        add("REMOTE_ADDR", remoteAddress)
        if let remotePort { add("REMOTE_PORT", String(remotePort)) }
        if let remoteUser {
            add("REMOTE_USER", remoteUser)
            add("AUTH_TYPE", "Basic")
        }
        add("REQUEST_URI", Self.originForm(requestURI))
        out.append(("SCRIPT_NAME", script))
        out.append(("PATH_INFO", pathInfo))
        out.append(("QUERY_STRING", query.map { Array(target[($0 + 1)...]) } ?? []))
        add("DOCUMENT_ROOT", documentRoot)
        out.append(("SCRIPT_FILENAME", Array(documentRoot.utf8) + scriptFile))
        // PHP built with `cgi.force_redirect` answers only requests that say a server redirected them.
        add("REDIRECT_STATUS", "200")
        var seen: [String: Int] = [:]
        for (name, value) in fields {
            guard let variable = Self.variableName(forField: name) else { continue }
            if let index = seen[variable] {
                // One variable per name (SCGI forbids repeats); a repeated Content-Type is not a list.
                guard variable != "CONTENT_TYPE" else { continue }
                out[index].value += Array((variable == "HTTP_COOKIE" ? "; " : ", ").utf8) + Array(value.utf8)
            } else {
                seen[variable] = out.count
                add(variable, value)
            }
        }
        return out
    }

    /// `HTTP_X_FORWARDED_FOR` for `X-Forwarded-For`, `CONTENT_TYPE` for `Content-Type`; nil for a field that is
    /// not passed (see the type's documentation).
    static func variableName(forField name: String) -> String? {
        var variable = ""
        variable.reserveCapacity(name.utf8.count + 5)
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): variable.unicodeScalars.append(Unicode.Scalar(byte - 32))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                variable.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "-"): variable.append("_")
            default: return nil
            }
        }
        switch variable {
        case "CONTENT_TYPE": return variable
        case "CONTENT_LENGTH", "TRANSFER_ENCODING", "PROXY", "CONNECTION", "": return nil
        default: return "HTTP_" + variable
        }
    }

    /// `/a/b.php/c` → (`/a/b.php`, `/c`): split after the first segment ending in `.php`; nil when there is none.
    static func phpSplit(_ path: [UInt8]) -> (script: [UInt8], pathInfo: [UInt8])? {
        let suffix = Array(".php".utf8)
        var index = path.startIndex
        while index < path.endIndex {
            let end = path[index...].firstIndex(of: UInt8(ascii: "/"), after: index) ?? path.endIndex
            if end - index > suffix.count, path[(end - suffix.count)..<end].elementsEqual(suffix) {
                return (Array(path[..<end]), Array(path[end...]))
            }
            index = end
        }
        return nil
    }

    /// The path and query of an absolute-form target (`http://host/p?q` → `/p?q`); other targets as they are.
    static func originForm(_ target: String) -> String {
        let bytes = Array(target.utf8)
        guard bytes.first != UInt8(ascii: "/"), let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            bytes[colon...].starts(with: "://".utf8)
        else { return target }
        let authority = colon + 3
        guard let start = bytes[authority...].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") })
        else { return "/" }
        let rest = String(decoding: bytes[start...], as: UTF8.self)
        return bytes[start] == UInt8(ascii: "?") ? "/" + rest : rest
    }

    /// `SERVER_NAME`: the Host without its port (`[::1]:80` → `[::1]`); `localhost` when the client sent none.
    static func serverName(host: String?) -> String {
        guard let host, !host.isEmpty else { return "localhost" }
        if host.hasPrefix("[") {
            return host.firstIndex(of: "]").map { String(host[...$0]) } ?? host
        }
        return host.firstIndex(of: ":").map { String(host[..<$0]) } ?? host
    }
}

extension ArraySlice where Element == UInt8 {
    /// The first index of `byte` after `index` (segments start with their `/`).
    fileprivate func firstIndex(of byte: UInt8, after index: Index) -> Index? {
        self[(index + 1)...].firstIndex(of: byte)
    }
}
