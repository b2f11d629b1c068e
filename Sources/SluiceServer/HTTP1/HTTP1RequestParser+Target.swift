import NIOHTTP1

extension HTTP1RequestParser {
    /// The request-target (RFC 9112 §3.2) in one of its four forms, each allowed only where the RFC
    /// allows it: authority-form only with CONNECT, asterisk-form only with OPTIONS.
    ///
    /// Bytes: visible ASCII except `#` (a fragment is never sent, RFC 9112 §3.2.1); no CTL, space or
    /// DEL. Bytes ≥ 0x80 must form valid UTF-8 and then pass byte for byte. lighttpd's strict parse
    /// admits 0x80–0xFE too but then percent-encodes them (`url-normalize-required`); Sluice never
    /// re-encodes a target on its way to a backend (SPEC §3), and `HTTPRequestHead.uri` is a
    /// `String`, which could not carry invalid UTF-8 unchanged, so that alone is refused (400).
    /// Malformed `%` escapes pass as they are: they are the backend's to judge, and unchanged.
    mutating func parseTarget(_ bytes: UnsafeRawBufferPointer) -> HTTP1RequestError? {
        guard let first = bytes.first else { return .invalidTarget }
        let isConnect = pending.method == .CONNECT

        if first == UInt8(ascii: "/") {
            guard !isConnect else { return .targetFormNotAllowed }
            guard Self.isValidTargetText(bytes) else { return .invalidTarget }
            pending.uri = HTTP1Syntax.string(bytes)
            pending.targetForm = .origin
            return nil
        }
        if bytes.count == 1 && first == UInt8(ascii: "*") {
            guard pending.method == .OPTIONS else { return .targetFormNotAllowed }
            pending.uri = "*"
            pending.targetForm = .asterisk
            return nil
        }
        if isConnect {
            guard HTTP1Syntax.isValidAuthority(bytes, allowEmpty: false, requirePort: true) else {
                return .invalidTarget
            }
            pending.uri = HTTP1Syntax.string(bytes)
            pending.targetForm = .authority
            return nil
        }
        return parseAbsoluteForm(bytes)
    }

    /// `http://host:port/path?query` (RFC 9112 §3.2.2): the authority replaces any Host field (done
    /// when the head is complete) and the target becomes the path and query, `/` when empty (`*`
    /// for OPTIONS, §3.2.4). Userinfo (`user@host`) is refused, as RFC 9110 §4.2.4 advises.
    private mutating func parseAbsoluteForm(_ bytes: UnsafeRawBufferPointer) -> HTTP1RequestError? {
        let schemeLength: Int
        if HTTP1Syntax.equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: bytes.prefix(7)), "http://") {
            schemeLength = 7
        } else if HTTP1Syntax.equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: bytes.prefix(8)), "https://") {
            schemeLength = 8
        } else {
            return .invalidTarget
        }
        var authorityEnd = schemeLength
        while authorityEnd < bytes.count, bytes[authorityEnd] != UInt8(ascii: "/"),
            bytes[authorityEnd] != UInt8(ascii: "?")
        {
            authorityEnd += 1
        }
        let authority = UnsafeRawBufferPointer(rebasing: bytes[schemeLength..<authorityEnd])
        guard HTTP1Syntax.isValidAuthority(authority, allowEmpty: false, requirePort: false) else {
            return .invalidTarget
        }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[authorityEnd...])
        guard Self.isValidTargetText(rest) else { return .invalidTarget }

        if rest.isEmpty {
            pending.uri = pending.method == .OPTIONS ? "*" : "/"
        } else if rest[0] == UInt8(ascii: "?") {
            pending.uri = "/" + HTTP1Syntax.string(rest)
        } else {
            pending.uri = HTTP1Syntax.string(rest)
        }
        pending.targetForm = .absolute(authority: HTTP1Syntax.string(authority))
        return nil
    }

    /// Whether every byte may appear in a target as sent (see ``parseTarget(_:)``).
    static func isValidTargetText(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var sawNonASCII = false
        for byte in bytes {
            if byte >= 0x80 {
                sawNonASCII = true
            } else if byte <= HTTP1Syntax.space || byte == 0x7F || byte == UInt8(ascii: "#") {
                return false
            }
        }
        return !sawNonASCII || HTTP1Syntax.isValidUTF8(bytes)
    }
}
