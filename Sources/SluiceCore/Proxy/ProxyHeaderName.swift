/// The header names the proxy core treats specially, recognised without allocating.
///
/// Field names are case-insensitive (RFC 9110 §5.1), so a name is classified by its UTF-8 length first and then
/// compared ASCII-case-insensitively with the one or two known names of that length: one switch and at most a
/// couple of short byte comparisons per header, no lower-cased copy and no dictionary.
package enum ProxyHeaderName: UInt8, Equatable, Sendable {
    case connection
    case keepAlive
    case proxyConnection
    case te
    case trailer
    case upgrade
    case transferEncoding
    case contentLength
    /// httpoxy (CVE-2016-5385): a `Proxy` request header becomes `HTTP_PROXY` in CGI-like backends.
    case proxy
    case host
    case expect
    case setCookie
    case location
    case contentLocation
    case xForwardedFor
    case xForwardedHost
    case xForwardedProto
    case xForwardedPrefix
    case forwarded
    /// Response fields Sluice adds itself when the backend's response has none (lighttpd's rule), and the
    /// ones `proxy-core.allow-x-sendfile` reads.
    case server
    case date
    case contentType
    case xSendfile
    case xLighttpdSendFile
    case other

    package init(_ name: String) {
        if let kind = name.utf8.withContiguousStorageIfAvailable(Self.classify) {
            self = kind
        } else {
            var copy = name
            self = copy.withUTF8(Self.classify)
        }
    }

    package init(bytes: UnsafeBufferPointer<UInt8>) {
        self = Self.classify(bytes)
    }

    private static func classify(_ n: UnsafeBufferPointer<UInt8>) -> ProxyHeaderName {
        switch n.count {
        case 2: return n.equalsLowercase("te") ? .te : .other
        case 4:
            if n.equalsLowercase("host") { return .host }
            if n.equalsLowercase("date") { return .date }
            return .other
        case 5: return n.equalsLowercase("proxy") ? .proxy : .other
        case 6:
            if n.equalsLowercase("expect") { return .expect }
            if n.equalsLowercase("server") { return .server }
            return .other
        case 7:
            if n.equalsLowercase("trailer") { return .trailer }
            if n.equalsLowercase("upgrade") { return .upgrade }
            return .other
        case 8: return n.equalsLowercase("location") ? .location : .other
        case 9: return n.equalsLowercase("forwarded") ? .forwarded : .other
        case 10:
            if n.equalsLowercase("connection") { return .connection }
            if n.equalsLowercase("keep-alive") { return .keepAlive }
            if n.equalsLowercase("set-cookie") { return .setCookie }
            if n.equalsLowercase("x-sendfile") { return .xSendfile }
            return .other
        case 12: return n.equalsLowercase("content-type") ? .contentType : .other
        case 14: return n.equalsLowercase("content-length") ? .contentLength : .other
        case 15: return n.equalsLowercase("x-forwarded-for") ? .xForwardedFor : .other
        case 16:
            if n.equalsLowercase("proxy-connection") { return .proxyConnection }
            if n.equalsLowercase("content-location") { return .contentLocation }
            if n.equalsLowercase("x-forwarded-host") { return .xForwardedHost }
            return .other
        case 17:
            if n.equalsLowercase("transfer-encoding") { return .transferEncoding }
            if n.equalsLowercase("x-forwarded-proto") { return .xForwardedProto }
            return .other
        case 18: return n.equalsLowercase("x-forwarded-prefix") ? .xForwardedPrefix : .other
        case 20: return n.equalsLowercase("x-lighttpd-send-file") ? .xLighttpdSendFile : .other
        default: return .other
        }
    }

    /// Hop-by-hop fields a proxy removes in both directions (RFC 9110 §7.6.1, RFC 9112 §6.1 for
    /// `Transfer-Encoding`): they describe one connection, not the message. `Upgrade` is re-added by the proxy
    /// itself when it tunnels; `Content-Length` is not here because responses keep it (see the callers).
    package var isHopByHop: Bool {
        switch self {
        case .connection, .keepAlive, .proxyConnection, .te, .trailer, .upgrade, .transferEncoding: return true
        default: return false
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// ASCII case-insensitive equality with a lower-case literal of the same length.
    @inline(__always)
    func equalsLowercase(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        let other = literal.utf8Start
        for index in 0..<count where asciiLowercased(self[index]) != other[index] {
            return false
        }
        return true
    }
}

@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
}

/// Comma-separated lists (RFC 9110 §5.6.1): `Connection`, `Upgrade`, `TE`.
enum HeaderTokens {
    /// Calls `body` with each non-empty element of `value`, optional whitespace trimmed. Parameters after `;`
    /// stay part of the element (`TE: trailers;q=0.5` gives `trailers;q=0.5`); callers use `head(of:)`.
    static func forEach(in value: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: ",") { end += 1 }
                var low = start, high = end
                while low < high && isOWS(bytes[low]) { low += 1 }
                while high > low && isOWS(bytes[high - 1]) { high -= 1 }
                if high > low { body(UnsafeBufferPointer(rebasing: bytes[low..<high])) }
                start = end + 1
            }
        }
    }

    /// Whether the list in `value` has an element equal (case-insensitively) to `token`, ignoring any
    /// `;parameters` after it.
    static func contains(_ token: StaticString, in value: String) -> Bool {
        var found = false
        forEach(in: value) { element in
            if !found && head(of: element).equalsLowercase(token) { found = true }
        }
        return found
    }

    /// An element without its `;parameters` and `/version` (`websocket/13` → `websocket`), trailing space removed.
    static func head(of element: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var end = 0
        while end < element.count && element[end] != UInt8(ascii: ";") && element[end] != UInt8(ascii: "/") {
            end += 1
        }
        while end > 0 && isOWS(element[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: element[..<end])
    }

    @inline(__always)
    static func isOWS(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
}

extension String {
    /// ASCII case-insensitive comparison of two field names (no allocation for native strings).
    func equalsFieldName(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var lhs = self, rhs = other
        return lhs.withUTF8 { a in
            rhs.withUTF8 { b in
                for index in 0..<a.count where asciiLowercased(a[index]) != asciiLowercased(b[index]) {
                    return false
                }
                return true
            }
        }
    }
}
