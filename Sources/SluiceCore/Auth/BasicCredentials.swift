/// The user-id and password of an `Authorization: Basic` header (RFC 7617).
///
/// Parsed from the header's bytes: `1*SP`-separated scheme `Basic` (any case, RFC 7235 §2.1), then
/// canonical base64 (RFC 4648 §4) of `user-id ":" password`, split at the first colon (RFC 7617 §2:
/// user-ids cannot hold one, passwords can). Both halves must be UTF-8, as the `charset="UTF-8"`
/// of our challenge asks, and free of control characters (RFC 7617 §2). Every other shape is
/// `.malformed`, never an error, so the server answers 401 and not 500.
public struct BasicCredentials: Sendable, Equatable, CustomStringConvertible {
    /// Longest base64 token accepted: it decodes to at most 1023 bytes, lighttpd's limit (it refuses
    /// tokens over 1363 characters). Checked before decoding, so a huge header costs nothing.
    public static let maximumTokenLength = 1364

    public let user: String
    public let password: [UInt8]

    public init(user: String, password: [UInt8]) {
        self.user = user
        self.password = password
    }

    /// Never shows the password, so credentials can be interpolated into logs safely.
    public var description: String { "BasicCredentials(user: \"\(user)\", password: <redacted>)" }

    public enum ParseResult: Sendable, Equatable {
        case credentials(BasicCredentials)
        /// Another scheme (`Bearer`, `Digest`, …): not ours to check; the client gets the Basic challenge.
        case otherScheme
        case malformed(Malformation)
    }

    public enum Malformation: Sendable, Hashable {
        /// Nothing but whitespace.
        case empty
        /// `Basic` glued to what follows (`BasicdXNlcg==`) or separated by something other than spaces.
        case missingSpace
        /// `Basic` with no token after it.
        case missingToken
        /// Longer than `maximumTokenLength`.
        case tooLong
        /// Not canonical base64, or more than one token.
        case invalidBase64
        /// The decoded text has no `:`.
        case missingColon
        /// User-id or password is not UTF-8.
        case invalidUTF8
        /// A control character (including NUL, which would cut a C string short) in user-id or password.
        case controlCharacter
    }

    public static func parse(authorization value: String) -> ParseResult {
        parse(authorization: value.utf8)
    }

    public static func parse(authorization value: some Collection<UInt8>) -> ParseResult {
        value.withContiguousBytes { parse(raw: $0) }
    }

    private static func parse(raw: UnsafeRawBufferPointer) -> ParseResult {
        let isWhitespace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        // Field values carry no leading or trailing whitespace (RFC 9110 §5.5); tolerate it anyway.
        var start = raw.startIndex
        var end = raw.endIndex
        while start < end, isWhitespace(raw[start]) { start += 1 }
        while end > start, isWhitespace(raw[end - 1]) { end -= 1 }
        guard start < end else { return .malformed(.empty) }

        let scheme = "basic".utf8
        var cursor = start
        for expected in scheme {
            guard cursor < end, raw[cursor] | 0x20 == expected else { return .otherScheme }
            cursor += 1
        }
        guard cursor < end else { return .malformed(.missingToken) }
        // RFC 7235 §2.1: `auth-scheme 1*SP token68`. "Basicx…" or "Basic\t…" is no other scheme's.
        guard raw[cursor] == UInt8(ascii: " ") else { return .malformed(.missingSpace) }
        while cursor < end, raw[cursor] == UInt8(ascii: " ") { cursor += 1 }

        let token = UnsafeRawBufferPointer(rebasing: raw[cursor..<end])
        guard token.count <= maximumTokenLength else { return .malformed(.tooLong) }
        guard let decoded = Base64.decode(token) else { return .malformed(.invalidBase64) }
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return .malformed(.missingColon) }

        let userBytes = decoded[..<colon]
        let password = Array(decoded[(colon + 1)...])
        let isControl = { (byte: UInt8) in byte < 0x20 || byte == 0x7F }
        guard !userBytes.contains(where: isControl), !password.contains(where: isControl) else {
            return .malformed(.controlCharacter)
        }
        guard let user = String(validating: userBytes, as: UTF8.self),
            String(validating: password, as: UTF8.self) != nil
        else { return .malformed(.invalidUTF8) }
        return .credentials(BasicCredentials(user: user, password: password))
    }
}
