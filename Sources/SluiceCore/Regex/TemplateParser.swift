/// Turns template bytes into `RewriteTemplate.Part`s; see `RewriteTemplate` for the language.
struct TemplateParser {
    private let bytes: [UInt8]
    private(set) var literals: [UInt8] = []
    private(set) var parts: [RewriteTemplate.Part] = []
    private(set) var highestRuleGroup: Int?
    private(set) var highestConditionGroup: Int?
    private var pendingLiteralStart = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parse() throws(TemplateError) {
        var index = 0
        // As keyvalue.c: a `$`/`%` in the last position has nothing after it and stays literal.
        while index + 1 < bytes.count {
            let sigil = bytes[index]
            guard sigil == UInt8(ascii: "$") || sigil == UInt8(ascii: "%") else {
                literals.append(sigil)
                index += 1
                continue
            }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "{") {
                index = try parseBraced(at: index)
            } else if let group = Self.digitValue(next) {
                appendGroup(group, sigil: sigil, transform: .raw)
                index += 2
            } else {
                // `$$` → `$`, `%%` → `%`, anything else: both bytes as written.
                literals.append(sigil)
                if next != sigil { literals.append(next) }
                index += 2
            }
        }
        literals.append(contentsOf: bytes[index...])
        flushLiteral()
    }

    /// Parses `${…}` / `%{…}` starting at the sigil; returns the index just past the `}`.
    private mutating func parseBraced(at sigilIndex: Int) throws(TemplateError) -> Int {
        let sigil = bytes[sigilIndex]
        var encodings: Set<Modifier> = []
        var caseChange: SubstitutionTransform.CaseChange?
        var sawModifier = false
        var index = sigilIndex + 2
        while true {
            guard index < bytes.count else { throw .unterminatedReference(at: sigilIndex) }
            if bytes[index] == UInt8(ascii: "}") { throw .emptyReference(at: sigilIndex) }
            if Self.digitValue(bytes[index]) != nil {
                let (group, end) = try parseGroupNumber(at: index, sigilIndex: sigilIndex)
                // A bare `${n}` encodes ("escpsnde"); once any modifier is given, only the modifiers count.
                let transform =
                    sawModifier
                    ? Self.transform(encodings, caseChange) : SubstitutionTransform.pathSegmentsNoDoubleEncoding
                appendGroup(group, sigil: sigil, transform: transform)
                return end
            }
            let tokenStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ":"), bytes[index] != UInt8(ascii: "}") {
                index += 1
            }
            guard index < bytes.count else { throw .unterminatedReference(at: sigilIndex) }
            let token = String(decoding: bytes[tokenStart..<index], as: UTF8.self)
            if bytes[index] == UInt8(ascii: ":") {
                guard let modifier = Modifier(rawValue: token) else {
                    throw .unknownModifier(token, at: tokenStart)
                }
                sawModifier = true
                switch modifier {
                case .toLower: caseChange = .lower
                case .toUpper: caseChange = caseChange ?? .upper  // lighttpd: tolower wins when both are given
                default: encodings.insert(modifier)
                }
                index += 1
                continue
            }
            // `}`: a named reference, raw unless modifiers say otherwise.
            let transform = Self.transform(encodings, caseChange)
            guard let part = Self.namedPart(token, transform) else {
                throw .unknownReference(token, at: tokenStart)
            }
            flushLiteral()
            parts.append(part)
            return index + 1
        }
    }

    /// Digits then `}`. lighttpd reads up to two digits (its rule regexes may have 19 groups); groups past 9
    /// are refused here, since `RegexMatch` does not keep them.
    private func parseGroupNumber(at start: Int, sigilIndex: Int) throws(TemplateError) -> (Int, Int) {
        var index = start
        while index < bytes.count, Self.digitValue(bytes[index]) != nil {
            index += 1
        }
        let digits = bytes[start..<index]
        // lighttpd reads two digits at most; more can only be a mistake.
        let value = digits.count <= 2 ? digits.reduce(0) { $0 * 10 + (Self.digitValue($1) ?? 0) } : Int.max
        guard value < RegexMatch.maxGroups else {
            throw .groupOutOfRange(String(decoding: digits, as: UTF8.self), at: start)
        }
        guard index < bytes.count else { throw .unterminatedReference(at: sigilIndex) }
        guard bytes[index] == UInt8(ascii: "}") else {
            let end = bytes[index...].firstIndex(of: UInt8(ascii: "}")) ?? bytes.count
            throw .unknownReference(String(decoding: bytes[start..<end], as: UTF8.self), at: start)
        }
        return (value, index + 1)
    }

    private mutating func appendGroup(_ group: Int, sigil: UInt8, transform: SubstitutionTransform) {
        flushLiteral()
        if sigil == UInt8(ascii: "$") {
            parts.append(.ruleGroup(group, transform))
            highestRuleGroup = max(highestRuleGroup ?? group, group)
        } else {
            parts.append(.conditionGroup(group, transform))
            highestConditionGroup = max(highestConditionGroup ?? group, group)
        }
    }

    /// Turns literal bytes gathered since the last part into a `.literal` part.
    private mutating func flushLiteral() {
        if literals.count > pendingLiteralStart {
            parts.append(.literal(pendingLiteralStart..<literals.count))
        }
        pendingLiteralStart = literals.count
    }

    private static func namedPart(_ name: String, _ transform: SubstitutionTransform) -> RewriteTemplate.Part? {
        switch name {
        case "url.scheme": return .scheme(transform)
        case "url.authority": return .authority(transform)
        case "url.authority.noport": return .authorityWithoutPort(transform)
        case "url.port": return .port
        case "url.path": return .path(transform)
        case "url.query": return .query(transform)
        case "qsa": return .appendQuery(transform)
        default: return nil
        }
    }

    /// The encoding lighttpd's `burl_append` picks when several flags are set: noesc, then esc, escnde,
    /// escpsnde, encb64u, decb64u. With no encoding modifier the value is copied raw.
    private static func transform(
        _ encodings: Set<Modifier>, _ caseChange: SubstitutionTransform.CaseChange?
    ) -> SubstitutionTransform {
        let encoding: SubstitutionTransform.Encoding
        if encodings.contains(.noEscape) || encodings.contains(.noEscapeLong) {
            encoding = .raw
        } else if encodings.contains(.escape) || encodings.contains(.escapeLong) {
            encoding = .all
        } else if encodings.contains(.escapeNoDoubleEncoding) {
            encoding = .noDoubleEncoding
        } else if encodings.contains(.escapePathSegmentsNoDoubleEncoding) {
            encoding = .pathSegmentsNoDoubleEncoding
        } else if encodings.contains(.encodeBase64URL) {
            encoding = .base64URLEncode
        } else if encodings.contains(.decodeBase64URL) {
            encoding = .base64URLDecode
        } else {
            encoding = .raw
        }
        return SubstitutionTransform(encoding: encoding, caseChange: caseChange)
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    /// The `name:` prefixes lighttpd knows (keyvalue.c `pcre_keyvalue_buffer_subst_ext`).
    private enum Modifier: String, Hashable {
        case noEscape = "noesc"
        case noEscapeLong = "noescape"
        case escape = "esc"
        case escapeLong = "escape"
        case escapeNoDoubleEncoding = "escnde"
        case escapePathSegmentsNoDoubleEncoding = "escpsnde"
        case toLower = "tolower"
        case toUpper = "toupper"
        case encodeBase64URL = "encb64u"
        case decodeBase64URL = "decb64u"
    }
}
