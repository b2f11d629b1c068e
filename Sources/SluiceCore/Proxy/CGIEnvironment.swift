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
    /// `"_scriptname"`, `"_pathinfo"`, `"_docroot"` results, in place of the default split.
    public var rewrites = CGIVariableRewrites()

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

    /// The variables in the order they are sent, as a list (tests, `explain`, health checks).
    public func variables(alwaysContentLength: Bool) -> [(name: String, value: [UInt8])] {
        var out: [(name: String, value: [UInt8])] = []
        write(alwaysContentLength: alwaysContentLength) { name, value in
            out.append((String(decoding: name, as: UTF8.self), Array(value)))
        }
        return out
    }

    /// Hands each variable to `body` as bytes, in the order they are sent, without building a list: the request
    /// encoders write them straight into the request's buffer. The pointers are valid only during the call.
    public func write(alwaysContentLength: Bool, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        func add(_ name: StaticString, _ value: String) {
            var value = value
            value.withUTF8 { value in body(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), UnsafeRawBufferPointer(value)) }
        }
        func add(_ name: StaticString, bytes: [UInt8]) {
            bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), $0) }
        }
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
        var splitAtScript = false
        if Self.mentionsPHP(script) || Self.mentionsPHP(pathInfo), let split = Self.phpSplit(script + pathInfo) {
            script = split.script
            pathInfo = split.pathInfo
            splitAtScript = true
        }
        if let given = rewrites.scriptName {
            script = given
            splitAtScript = true  // the script is named: SCRIPT_FILENAME is the root and it
        }
        if let given = rewrites.pathInfo { pathInfo = given }
        let root = rewrites.documentRoot ?? Array(documentRoot.utf8)
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
        add("SCRIPT_NAME", bytes: script)
        add("PATH_INFO", bytes: pathInfo)
        if let query {
            target[(query + 1)...].withUnsafeBytes { body(UnsafeRawBufferPointer(start: ("QUERY_STRING" as StaticString).utf8Start, count: 12), $0) }
        } else {
            add("QUERY_STRING", "")
        }
        add("DOCUMENT_ROOT", bytes: root)
        var scriptFile = root
        scriptFile.reserveCapacity(scriptFile.count + script.count + pathInfo.count)
        if decodedPath != nil || rewrites.scriptName != nil {
            scriptFile += script
            if !splitAtScript { scriptFile += pathInfo }
        }
        add("SCRIPT_FILENAME", bytes: scriptFile)
        // PHP built with `cgi.force_redirect` answers only requests that say a server redirected them.
        add("REDIRECT_STATUS", "200")
        writeFields(body)
    }

    /// The header fields as `HTTP_*` (and `CONTENT_TYPE`), one variable per name: a repeated field's values are
    /// joined where its first occurrence is (a rare case, the only one that allocates beyond the key list). A name
    /// passes when it holds letters, digits and `-` only (a `_` would pose as a `-`) and is not `Content-Length`,
    /// `Transfer-Encoding`, `Proxy` (httpoxy) or `Connection`. Each name is checked and upper-cased in one pass.
    private func writeFields(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        // A cheap key per field (length, first and last letter folded) rules out nearly every pair before the
        // byte comparison.
        let keys = fields.map { field -> UInt64 in
            let utf8 = field.0.utf8
            return UInt64(utf8.count) << 16 | UInt64((utf8.first ?? 0) | 0x20) << 8 | UInt64((utf8.last ?? 0) | 0x20)
        }
        func same(_ a: Int, _ b: Int) -> Bool { keys[a] == keys[b] && Self.sameVariable(fields[a].0, fields[b].0) }
        for index in fields.indices where !(0..<index).contains(where: { same($0, index) }) {
            var name = fields[index].0
            name.withUTF8 { name in
                guard !name.isEmpty else { return }
                withUnsafeTemporaryAllocation(byteCount: name.count + 5, alignment: 1) { raw in
                    raw[0] = UInt8(ascii: "H")
                    raw[1] = UInt8(ascii: "T")
                    raw[2] = UInt8(ascii: "T")
                    raw[3] = UInt8(ascii: "P")
                    raw[4] = UInt8(ascii: "_")
                    for position in 0..<name.count {
                        let byte = name[position]
                        if byte == UInt8(ascii: "-") {
                            raw[5 + position] = UInt8(ascii: "_")
                        } else if byte &- 0x30 < 10 || byte &- 0x41 < 26 {
                            raw[5 + position] = byte
                        } else if byte &- 0x61 < 26 {
                            raw[5 + position] = byte &- 0x20
                        } else {
                            return
                        }
                    }
                    let upper = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(raw)[5...])
                    func named(_ text: StaticString) -> Bool {
                        upper.count == text.utf8CodeUnitCount
                            && upper.elementsEqual(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
                    }
                    if named("CONTENT_LENGTH") || named("TRANSFER_ENCODING") || named("PROXY") || named("CONNECTION") {
                        return
                    }
                    let isContentType = named("CONTENT_TYPE")
                    var value = fields[index].1
                    if !isContentType, ((index + 1)..<fields.count).contains(where: { same($0, index) }) {
                        let repeats = ((index + 1)..<fields.count).filter { same($0, index) }.map { fields[$0].1 }
                        value = ([value] + repeats).joined(separator: named("COOKIE") ? "; " : ", ")
                    }
                    value.withUTF8 { body(isContentType ? upper : UnsafeRawBufferPointer(raw), UnsafeRawBufferPointer($0)) }
                }
            }
        }
    }

    /// Two field names that give the same variable (ASCII case-insensitive; `-` and `_` never both pass).
    static func sameVariable(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var a = a, b = b
        return a.withUTF8 { a in
            b.withUTF8 { b in
                for index in 0..<a.count where a[index] != b[index] {
                    let folded = a[index] | 0x20
                    guard folded == b[index] | 0x20, folded &- 0x61 < 26 else { return false }
                }
                return true
            }
        }
    }

    /// A cheap test before the split: the bytes contain `.php`.
    static func mentionsPHP(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for index in 0...(bytes.count - 4) where bytes[index] == UInt8(ascii: ".") {
            if bytes[index + 1] == UInt8(ascii: "p") && bytes[index + 2] == UInt8(ascii: "h") && bytes[index + 3] == UInt8(ascii: "p") {
                return true
            }
        }
        return false
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
        guard target.utf8.first != UInt8(ascii: "/") else { return target }
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
