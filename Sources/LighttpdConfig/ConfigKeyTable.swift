/// Every config key Sluice accepts (SPEC §2, §4, §6), in one table. Anything not here is an error with a
/// did-you-mean. Defaults stated here are the ones the server applies.
public enum ConfigKeyTable {
    public static let all: [ConfigKey] = server + staticFiles + rewrite + auth + logsAndStatus + tls + proxyCore
        + proxy

    public static let byName: [String: ConfigKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    public static func key(_ name: String) -> ConfigKey? { byName[name] }

    static let server: [ConfigKey] = [
        .init("server.port", .integer, .global, "core", "80", "TCP port of the main listening socket.", range: 0...65535),
        .init("server.bind", .string, .global, "core", "all IPv4 addresses",
              "Address of the main listening socket: an IP, a host name, or a unix socket path."),
        .init("server.modules", .stringList, .global, "core", "( )",
              "Modules to load; a key of a module not loaded is an error naming the module."),
        .init("server.document-root", .string, .request, "core", nil, "Directory static files are served from."),
        .init("server.max-worker", .integer, .global, "core", "0 (one event loop per core)",
              "Number of event loops (threads).", range: 0...1024),
        .init("server.busy-poll", .integer, .global, "core", "0 (sleep at once)",
              "Microseconds an idle event loop keeps polling for events before it sleeps (like Linux's "
                + "net.core.busy_poll; HAProxy's busy-polling): saves the CPU's wake-up, tens of microseconds "
                + "per hop in virtual machines, at the cost of a busy CPU. Linux only.", range: 0...10_000),
        .init("server.errorlog", .string, .global, "core", "standard error", "File the error log is written to."),
        .init("server.errorfile-prefix", .string, .request, "core", nil,
              "Error bodies are read from PREFIX + STATUS + \".html\" when that file exists."),
        .init("server.tag", .string, .request, "core", "\"sluice/VERSION\"", "Value of the Server response header."),
        .init("server.name", .string, .global, "core", "the request's Host",
              "Authority used by ${url.authority} in rewrite and redirect targets when the request has no Host."),
        .init("server.max-connections", .integer, .global, "core", "1024",
              "Most client connections open at once; further ones wait in the kernel's backlog.", range: 1...1_000_000),
        .init("server.max-request-field-size", .integer, .global, "core", "8192",
              "Most bytes of a request line plus headers: 414 for a long request line, 431 for long headers.",
              range: 256...1_048_576),
        .init("server.max-request-size", .integer, .global, "core", "0 (no limit)",
              "Most KiB of a request body (lighttpd counts in KiB); more is 413."),
        .init("server.max-read-idle", .integer, .global, "core", "60",
              "Seconds a client may take to send the request head, or stay silent while sending a body; then 408/close."),
        .init("server.max-write-idle", .integer, .global, "core", "360",
              "Seconds a client may refuse to read before the connection is closed."),
        .init("server.max-keep-alive-requests", .integer, .global, "core", "1000",
              "Requests on one client connection before it is closed (0: no keep-alive)."),
        .init("server.max-keep-alive-idle", .integer, .global, "core", "5",
              "Seconds an idle keep-alive client connection is kept open."),
        .init("server.graceful-shutdown-timeout", .integer, .global, "core", "5",
              "Seconds in-flight requests may take to finish after SIGINT/SIGTERM."),
        .init("server.follow-symlink", .boolean, .request, "core", "\"enable\"",
              "Serve files reached through symbolic links (never outside the document root)."),
        .init("server.stat-cache-engine", .string, .global, "core", "\"simple\"",
              "\"simple\": what stat() said about a file is reused for the rest of the second, and small files' bytes "
                + "are kept while unchanged; \"disable\": stat() on every request. \"fam\", \"inotify\" and "
                + "\"kqueue\" are accepted and work as \"simple\"."),
        .init("server.range-requests", .boolean, .request, "core", "\"enable\"", "Answer Range requests with 206."),
        .init("server.pid-file", .string, .global, "core", nil, "File the process id is written to at start."),
        .init("server.use-ipv6", .boolean, .global, "core", "\"disable\"",
              "Listen on IPv6 too when server.bind is unset."),
        .init("server.username", .string, .global, "core", nil,
              "Accepted for lighttpd compatibility; privileges are not changed: start Sluice as the intended user."),
        .init("server.groupname", .string, .global, "core", nil,
              "Accepted for lighttpd compatibility; privileges are not changed: start Sluice as the intended user."),
        .init("server.upload-dirs", .stringList, .global, "core", nil,
              "Accepted for lighttpd compatibility; Sluice streams request bodies and writes none to disk."),
        .init("server.feature-flags", .array, .global, "core", nil,
              "lighttpd 1.4 feature flags: \"server.graceful-shutdown-timeout\" => N sets that timeout (unless "
                + "server.graceful-shutdown-timeout does); the others (HTTP/2 and such) have no effect: Sluice speaks HTTP/1.1."),
        .init("server.http-parseopts", .array, .global, "core", nil,
              "Accepted for lighttpd compatibility; Sluice's request parsing is fixed and strict (RFC 9112): it "
                + "rejects control characters and ambiguous framing and normalises paths before matching, as "
                + "lighttpd's recommended options do."),
        .init("server.event-handler", .string, .global, "core", nil,
              "Accepted for lighttpd compatibility; SwiftNIO picks epoll."),
        .init("server.stream-response-body", .integer, .request, "core", "2",
              "Accepted for lighttpd compatibility; Sluice always streams with back-pressure (lighttpd's 2).",
              range: 0...2),
        .init("server.stream-request-body", .integer, .request, "core", "2",
              "Accepted for lighttpd compatibility; Sluice always streams with back-pressure (lighttpd's 2).",
              range: 0...2),
    ]

    static let staticFiles: [ConfigKey] = [
        .init("index-file.names", .stringList, .request, "mod_indexfile", "( \"index.html\", \"index.htm\" )",
              "Files tried, in order, when a directory is requested."),
        .init("mimetype.assign", .stringMap, .request, "core", "a built-in table of common types",
              "File suffix => Content-Type; the longest matching suffix wins."),
        .init("static-file.exclude-extensions", .stringList, .request, "mod_staticfile", "( )",
              "Suffixes never served as static files (403)."),
        .init("static-file.etags", .boolean, .request, "mod_staticfile", "\"enable\"",
              "Send ETag and answer If-None-Match."),
        .init("url.access-deny", .stringList, .request, "mod_access", "( )",
              "Path suffixes answered with 403 for every request, proxied or not (lighttpd's default config: "
                + "( \"~\", \".inc\" )); \"\" matches every path; compared ignoring ASCII case."),
        .init("url.access-allow", .stringList, .request, "mod_access", nil,
              "When set, only paths ending with one of these suffixes are served; the others get 403."),
        .init("dir-listing.activate", .boolean, .request, "mod_dirlisting", "\"disable\"",
              "List a directory that has no index file."),
        .init("dir-listing.hide-dotfiles", .boolean, .request, "mod_dirlisting", "\"enable\"",
              "Leave names starting with '.' out of listings."),
        .init("alias.url", .stringMap, .request, "mod_alias", nil,
              "URL prefix => directory; the longest matching prefix wins."),
    ]

    static let rewrite: [ConfigKey] = [
        .init("url.rewrite-once", .regexMap, .request, "mod_rewrite", nil,
              "Rewrite rules; the first match wins and no rewrite runs again for the request."),
        .init("url.rewrite", .regexMap, .request, "mod_rewrite", nil, "Alias of url.rewrite-once."),
        .init("url.rewrite-final", .regexMap, .request, "mod_rewrite", nil, "Alias of url.rewrite-once."),
        .init("url.rewrite-repeat", .regexMap, .request, "mod_rewrite", nil,
              "Rewrite rules run again on the new URL until none matches (more than 100 passes: 500)."),
        .init("url.rewrite-if-not-file", .regexMap, .request, "mod_rewrite", nil,
              "Like url.rewrite-once, skipped when the URL names a regular file under the document root."),
        .init("url.rewrite-repeat-if-not-file", .regexMap, .request, "mod_rewrite", nil,
              "Like url.rewrite-repeat, skipped when the URL names a regular file under the document root."),
        .init("url.redirect", .regexMap, .request, "mod_redirect", nil,
              "Redirect rules: regex => target URL; the first match wins."),
        .init("url.redirect-code", .integer, .request, "mod_redirect", "301 for GET/HEAD, else 308",
              "Status of redirects.", range: 300...399),
        .init("setenv.add-request-header", .stringMap, .request, "mod_setenv", nil,
              "Headers added to the request before it is handled or proxied."),
        .init("setenv.set-request-header", .stringMap, .request, "mod_setenv", nil,
              "Request headers replaced (an empty value removes the header)."),
        .init("setenv.add-response-header", .stringMap, .request, "mod_setenv", nil,
              "Headers added to every response."),
        .init("setenv.set-response-header", .stringMap, .request, "mod_setenv", nil,
              "Response headers replaced (an empty value removes the header)."),
        .init("extforward.forwarder", .stringMap, .global, "mod_extforward", nil,
              "Proxies trusted for X-Forwarded-For: \"IP\" or \"CIDR\" or \"all\" => \"trust\"."),
        .init("extforward.headers", .stringList, .global, "mod_extforward",
              "( \"X-Forwarded-For\", \"Forwarded-For\" )", "Headers read for the real client address."),
    ]

    static let auth: [ConfigKey] = [
        .init("auth.backend", .string, .request, "mod_auth", nil, "\"htpasswd\" or \"plain\"."),
        .init("auth.backend.htpasswd.userfile", .string, .request, "mod_authn_file", nil,
              "htpasswd file: bcrypt, {SHA}, apr1-MD5 or crypt hashes."),
        .init("auth.backend.plain.userfile", .string, .request, "mod_authn_file", nil,
              "File of user:password lines."),
        .init("auth.require", .array, .request, "mod_auth", nil,
              "( \"/prefix\" => ( \"method\" => \"basic\", \"realm\" => \"...\", \"require\" => \"valid-user\" ) )."),
    ]

    static let logsAndStatus: [ConfigKey] = [
        .init("accesslog.filename", .string, .request, "mod_accesslog", nil, "File the access log is appended to."),
        .init("accesslog.use-syslog", .boolean, .request, "mod_accesslog", "\"disable\"",
              "Accepted as \"disable\" for lighttpd compatibility; syslog is not supported (use accesslog.filename)."),
        .init("accesslog.escaping", .string, .request, "mod_accesslog", "\"default\"",
              "Accepted as \"default\" (lighttpd's escaping of non-printable bytes as \\xHH); \"json\" is not supported."),
        .init("accesslog.format", .string, .request, "mod_accesslog",
              "\"%h %l %u %t \\\"%r\\\" %>s %b \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"\" (Apache combined)",
              "Access log line format (Apache's % codes)."),
        .init("status.status-url", .string, .request, "mod_status", nil,
              "URL of the status page (HTML, ?json, ?format=prometheus)."),
    ]

    static let tls: [ConfigKey] = [
        .init("ssl.engine", .boolean, .socket, "mod_openssl", "\"disable\"", "Serve TLS on this socket."),
        .init("ssl.pemfile", .string, .socket, "mod_openssl", nil, "Certificate chain (PEM); may hold the key too. Inside $HTTP[\"host\"]: the certificate for that name (SNI)."),
        .init("ssl.privkey", .string, .socket, "mod_openssl", nil, "Private key (PEM)."),
        .init("ssl.ca-file", .string, .socket, "mod_openssl", nil, "CA certificates sent with the chain."),
        .init("ssl.cipher-list", .string, .socket, "mod_openssl", nil,
              "OpenSSL cipher list for TLS 1.2 and below (the TLS 1.3 suites are BoringSSL's fixed set)."),
        .init("ssl.openssl.ssl-conf-cmd", .stringMap, .socket, "mod_openssl", nil,
              "( \"MinProtocol\" => \"TLSv1.2\", \"MaxProtocol\" => \"TLSv1.3\", \"CipherString\" => \"...\" ); "
                + "MinProtocol defaults to TLSv1.2, as in lighttpd; other commands are refused."),
    ]

    static let proxyCore: [ConfigKey] = [
        .init("proxy-core.backends", .stringList, .request, "mod_proxy_core", nil,
              "\"host:port\", \"[v6]:port\" or \"unix:/path\"; a name with several addresses gives several backends."),
        .init("proxy-core.protocol", .string, .request, "mod_proxy_core", "\"http\"", "Backend protocol: \"http\", \"fastcgi\" or \"scgi\" (each needs its mod_proxy_backend_* module)."),
        .init("proxy-core.balancer", .string, .request, "mod_proxy_core", "\"sqf\"",
              "sqf, round-robin, hash, sticky, static, p2c or ewma (and lighttpd's aliases)."),
        .init("proxy-core.rewrite-request", .array, .request, "mod_proxy_core", nil,
              "( \"_uri\" => ( regex => repl ), \"Header\" => ( regex => repl ) ) applied to the backend request; for FastCGI/SCGI also \"_scriptname\", \"_pathinfo\", \"_docroot\"."),
        .init("proxy-core.rewrite-response", .array, .request, "mod_proxy_core", nil,
              "( \"Header\" => ( regex => repl ) ) applied to backend response headers."),
        .init("proxy-core.max-pool-size", .integer, .request, "mod_proxy_core", "64",
              "Most connections per backend (idle + busy), shared by all event loops.", range: 1...100_000),
        .init("proxy-core.max-keep-alive-requests", .integer, .request, "mod_proxy_core", "1000",
              "Requests per backend connection before it is retired."),
        .init("proxy-core.disable-time", .integer, .request, "mod_proxy_core", "1",
              "Seconds a backend is skipped after a connect failure (the backends block's value marks them; a "
                + "request's own value sets its Retry-After).", range: 0...86_400),
        .init("proxy-core.max-backlog-size", .integer, .request, "mod_proxy_core", "1024",
              "Requests that may wait for a free backend before 503.", range: 0...1_000_000),
        .init("proxy-core.connect-timeout", .integer, .request, "mod_proxy_core", "5",
              "Seconds to connect, and the longest a request waits in the backlog for a backend (pooled "
                + "connections use the backends block's value; WebSocket connections and the wait, the request's).",
              range: 1...86_400),
        .init("proxy-core.read-timeout", .integer, .request, "mod_proxy_core", "60",
              "Seconds the backend may stay silent before 504 (0: no limit).", range: 0...86_400),
        .init("proxy-core.write-timeout", .integer, .request, "mod_proxy_core", "60",
              "Seconds the backend may refuse to take more of the request body before 504 (0: no limit).",
              range: 0...86_400),
        .init("proxy-core.reverse-map", .boolean, .request, "mod_proxy_core", "\"enable\"",
              "Rewrite Location, Content-Location and Set-Cookie Path= to the client-facing prefix."),
        .init("proxy-core.allow-x-sendfile", .boolean, .request, "mod_proxy_core", "\"disable\"",
              "Serve the file named by a backend's X-Sendfile header."),
        .init("proxy-core.health-check", .string, .request, "mod_proxy_core", nil,
              "Path of an active check: GET on each backend; non-2xx or no answer marks it down."),
        .init("proxy-core.health-check-interval", .integer, .request, "mod_proxy_core", "5",
              "Seconds between active checks.", range: 1...86_400),
    ]

    static let proxy: [ConfigKey] = [
        .init("proxy.server", .array, .request, "mod_proxy", nil,
              "lighttpd 1.4: ( \"KEY\" => ( ( \"host\" => \"127.0.0.1\", \"port\" => 8080 ), ... ) ), pooled like "
                + "proxy-core.backends. KEY \"\" takes every request, \"/path\" a decoded-path prefix, \".ext\" a suffix; "
                + "the first matching key wins, none: not proxied. Host options: host, port (80), socket, disable-time, "
                + "connect-timeout, read-timeout and write-timeout (0: no limit), upgrade, x-sendfile (the same for every host "
                + "of a key). ( ) proxies nothing (a sub-path left to static files)."),
        .init("proxy.balance", .string, .request, "mod_proxy", "\"fair\"",
              "lighttpd 1.4: fair or least-connection (= sqf), round-robin, hash, sticky."),
        .init("proxy.header", .array, .request, "mod_proxy", nil,
              "lighttpd 1.4: ( \"map-urlpath\" => ( \"/from/\" => \"/to/\" ) ) maps the target's prefix (and back in "
                + "Location, Content-Location, Set-Cookie Path=); \"upgrade\" => \"disable\" passes upgrade requests on as "
                + "plain ones (WebSockets are tunnelled by default, unlike lighttpd 1.4); \"map-host-request\" / \"map-host-response\" => ( \"from\" => \"to\" ) map the "
                + "backend's Host and the authority of Location, Content-Location and Set-Cookie Domain= (\"-\": the "
                + "client's Host, or the Host sent); \"https-remap\"; connect and force-http10 only as \"disable\"."),
        .init("proxy.forwarded", .array, .request, "mod_proxy", nil,
              "lighttpd 1.4: RFC 7239 Forwarded parameters ( \"for\" => 1, \"proto\" => 1, ... )."),
        .init("proxy.replace-http-host", .boolean, .request, "mod_proxy", "\"disable\"",
              "lighttpd 1.4: send the backend's label (in a labelled proxy.server list), else its host[:port], as Host."),
        .init("proxy.debug", .integer, .request, "mod_proxy", "0",
              "Accepted for lighttpd compatibility; no effect (Sluice logs each backend failure once)."),
    ]
}
