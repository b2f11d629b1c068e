/// `accesslog.format`, parsed once into parts that render a line without re-reading the format.
///
/// The codes are Apache's `mod_log_config` codes as lighttpd's mod_accesslog accepts them:
///
/// | code | value | code | value |
/// |---|---|---|---|
/// | `%h` `%a` | remote address | `%A` | local address |
/// | `%l` | `-` (ident is never looked up) | `%u` | authenticated user |
/// | `%t` | `[10/Oct/2000:13:55:36 +0000]`, request end | `%{fmt}t` | see `AccessLogTimeFormat` |
/// | `%r` | original request line | `%s` `%>s` `%<s` | status |
/// | `%b` | body bytes, `-` for none | `%B` | body bytes, `0` for none |
/// | `%D` | duration in µs | `%T` `%{unit}T` | duration in s (or `ms`, `us`, `ns`) |
/// | `%{Name}i` | request header | `%{Name}o` | response header |
/// | `%{name}C` | request cookie | `%v` | server name (`server.name`, else the host) |
/// | `%V` | request host | `%U` | URL path, still encoded, no query |
/// | `%q` | query, no `?` (lighttpd; empty when none) | `%m` `%H` | method, protocol |
/// | `%p` `%{remote}p` | local / remote port | `%I` `%O` | bytes in / out, headers included |
/// | `%X` | `X` aborted, `+` kept alive, `-` closed | `%k` | earlier requests on the connection |
/// | `%f` | file served | `%{X}e` `%{X}n` | `-` (no environment or notes) |
/// | `%%` | `%` | | |
///
/// A `%<`/`%>` before the code is accepted and ignored (Apache's "original/final" distinction: Sluice
/// has one status). A `{...}` argument on a code that takes none is ignored, as lighttpd does. Apache's
/// status-code conditions (`%400,501{User-agent}i`) are not supported: the `4` is an unknown code.
public struct AccessLogFormat: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case literal([UInt8])
        case remoteAddress
        case localAddress
        case remoteUser
        case time(AccessLogTimeFormat, at: AccessLogTimeFormat.Moment)
        case requestLine
        case status
        /// `%b`: `-` when no body byte was sent.
        case bodyBytes
        /// `%B`: `0` when no body byte was sent.
        case bodyBytesOrZero
        case duration(AccessLogTimeFormat.Unit)
        case requestHeader(String)
        case responseHeader(String)
        case cookie(String)
        case serverName
        case host
        case urlPath
        case query
        case method
        case httpVersion
        case localPort
        case remotePort
        case bytesIn
        case bytesOut
        case connectionStatus
        case keepAliveCount
        case filename
        /// `%e`, `%n`: Sluice has neither environment nor notes; always `-`.
        case unavailable
    }

    public let parts: [Part]
    /// Some part logs a response header (`%{Name}o`): the response's fields must be kept as `HTTPHeaders`.
    public let usesResponseHeaders: Bool

    public init(parts: [Part]) {
        self.parts = parts
        usesResponseHeaders = parts.contains {
            if case .responseHeader = $0 { return true }
            return false
        }
    }

    /// The default format: Apache's "combined" (SPEC §6), which log analysers read as it is. (lighttpd's own
    /// default puts `%V`, the server name, where combined has `%l`, always `-`.)
    public static let defaultText = #"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#

    /// `defaultText`, parsed (a test checks the two agree).
    public static let `default` = AccessLogFormat(parts: [
        .remoteAddress, .literal(Array(" - ".utf8)), .remoteUser, .literal([0x20]),
        .time(.common, at: .end), .literal(Array(" \"".utf8)), .requestLine, .literal(Array("\" ".utf8)),
        .status, .literal([0x20]), .bodyBytes, .literal(Array(" \"".utf8)), .requestHeader("Referer"),
        .literal(Array("\" \"".utf8)), .requestHeader("User-Agent"), .literal([0x22]),
    ])
}
