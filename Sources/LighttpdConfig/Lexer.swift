/// Splits config text into tokens, as lighttpd 1.4's tokenizer does:
/// - strings are `"..."` where only `\"` is an escape (so regexes keep their backslashes: `"\.php$"`);
///   a string may span lines;
/// - names are `[A-Za-z0-9._-]+` (a leading digit makes an integer); `include`, `include_shell`, `global`,
///   `else`/`elseif`/`elsif`/`elif` are keywords, and `if` right before `$` is ignored;
/// - a newline ends a statement outside parentheses; a comma outside parentheses is ignored;
/// - text after `}` on the same line starts a new statement;
/// - `#` comments run to the end of the line; U+00A0 (no-break space) counts as white space.
///
/// Errors are collected and lexing goes on, so a file reports all its mistakes in one run.
struct Lexer {
    private let bytes: [UInt8]
    private let file: String
    private var offset = 0
    private var line = 1
    private var lineStart = 0
    private var parens = 0
    private(set) var diagnostics = ConfigDiagnostics()

    /// The most deeply nested parentheses accepted; deeper input is refused rather than risking the stack.
    static let maximumNesting = 64
    /// Integers are limited to what fits comfortably in every setting (lighttpd limits to 32 bits too).
    static let maximumInteger = Int(Int32.max)

    init(text: String, file: String) {
        self.bytes = Array(text.utf8)
        self.file = file
    }

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private var location: SourceLocation {
        SourceLocation(file: file, line: line, column: offset - lineStart + 1)
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

    private mutating func newline() {
        if bytes[offset] == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") { offset += 1 }
        offset += 1
        line += 1
        lineStart = offset
    }

    private mutating func skipComment() {
        while let c = peek(), c != UInt8(ascii: "\n"), c != UInt8(ascii: "\r") { offset += 1 }
    }

    private mutating func fail(_ message: String, at location: SourceLocation, fix: String? = nil) {
        diagnostics.error(message, at: location, fix: fix)
    }

    /// All tokens of the text, ending with `.endOfFile`.
    mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 4)
        while let token = next(previous: tokens.last?.kind) {
            tokens.append(token)
        }
        tokens.append(Token(kind: .endOfLine, location: location))
        tokens.append(Token(kind: .endOfFile, location: location))
        return tokens
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private mutating func next(previous: TokenKind?) -> Token? {
        while let c = peek() {
            let start = location
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0B, 0x0C:
                offset += 1
            case 0xC2 where peek(1) == 0xA0:
                offset += 2
            case UInt8(ascii: "#"):
                skipComment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                newline()
                if parens == 0 { return Token(kind: .endOfLine, location: start) }
            case UInt8(ascii: ","):
                offset += 1
                if parens > 0 { return Token(kind: .comma, location: start) }
            case UInt8(ascii: "\""):
                return lexString(start: start)
            case UInt8(ascii: "("):
                offset += 1
                parens += 1
                if parens > Lexer.maximumNesting {
                    fail("arrays nested more than \(Lexer.maximumNesting) deep", at: start)
                }
                return Token(kind: .leftParen, location: start)
            case UInt8(ascii: ")"):
                offset += 1
                if parens == 0 {
                    fail("')' without a matching '('", at: start)
                    continue
                }
                parens -= 1
                return Token(kind: .rightParen, location: start)
            case UInt8(ascii: "{"):
                offset += 1
                return Token(kind: .leftCurly, location: start)
            case UInt8(ascii: "}"):
                offset += 1
                return Token(kind: .rightCurly, location: start)
            case UInt8(ascii: "["):
                offset += 1
                return Token(kind: .leftBracket, location: start)
            case UInt8(ascii: "]"):
                offset += 1
                return Token(kind: .rightBracket, location: start)
            case UInt8(ascii: "$"):
                offset += 1
                return Token(kind: .dollar, location: start)
            case UInt8(ascii: "+"):
                if peek(1) == UInt8(ascii: "=") {
                    offset += 2
                    return Token(kind: .append, location: start)
                }
                offset += 1
                return Token(kind: .plus, location: start)
            case UInt8(ascii: ":"):
                if peek(1) == UInt8(ascii: "=") {
                    offset += 2
                    return Token(kind: .forceAssign, location: start)
                }
                offset += 1
                fail("unexpected ':'", at: start, fix: "did you mean ':=' (force assignment)?")
            case UInt8(ascii: "="):
                let kind: TokenKind
                switch peek(1) {
                case UInt8(ascii: ">"): kind = .arrow
                case UInt8(ascii: "="): kind = .condition(.equal)
                case UInt8(ascii: "~"): kind = .condition(.match)
                case UInt8(ascii: "^"): kind = .condition(.prefix)
                case UInt8(ascii: "$"): kind = .condition(.suffix)
                default:
                    offset += 1
                    if parens > 0 {
                        // lighttpd: "use => for assignments in arrays"; read it as `=>` and go on.
                        fail("use '=>' for key-value pairs in arrays", at: start)
                        return Token(kind: .arrow, location: start)
                    }
                    return Token(kind: .assign, location: start)
                }
                offset += 2
                return Token(kind: kind, location: start)
            case UInt8(ascii: "!"):
                switch peek(1) {
                case UInt8(ascii: "="):
                    offset += 2
                    return Token(kind: .condition(.notEqual), location: start)
                case UInt8(ascii: "~"):
                    offset += 2
                    return Token(kind: .condition(.notMatch), location: start)
                default:
                    offset += 1
                    fail("unexpected '!'", at: start, fix: "conditions use '!=' or '!~'")
                }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                return lexInteger(start: start)
            case 0:
                offset += 1
                fail("NUL byte in config text", at: start)
            default:
                if Lexer.isNameByte(c) { return lexName(start: start, previous: previous) }
                offset += 1
                // Skip the rest of a multi-byte UTF-8 character so it is reported once.
                while let next = peek(), next & 0xC0 == 0x80 { offset += 1 }
                let shown = c >= 0x21 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : String(format: c)
                fail("unexpected character \(shown)", at: start)
            }
        }
        return nil
    }

    static func isNameByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private mutating func lexString(start: SourceLocation) -> Token? {
        offset += 1
        var value: [UInt8] = []
        while let c = peek() {
            switch c {
            case UInt8(ascii: "\""):
                offset += 1
                return Token(kind: .string(String(decoding: value, as: UTF8.self)), location: start)
            case UInt8(ascii: "\\") where peek(1) == UInt8(ascii: "\""):
                value.append(UInt8(ascii: "\""))
                offset += 2
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                value.append(c)
                if c == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") { value.append(UInt8(ascii: "\n")) }
                newline()
            case 0:
                fail("NUL byte in string", at: location)
                offset += 1
            default:
                value.append(c)
                offset += 1
            }
        }
        fail("missing closing quote for this string", at: start)
        return nil
    }

    private mutating func lexInteger(start: SourceLocation) -> Token {
        var value = 0
        var overflow = false
        while let c = peek(), c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
            value = value &* 10 &+ Int(c - UInt8(ascii: "0"))
            if value > Lexer.maximumInteger { overflow = true; value = Lexer.maximumInteger }
            offset += 1
        }
        if let c = peek(), Lexer.isNameByte(c), !(c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) {
            // `8080abc`: a name cannot start with a digit.
            while let c = peek(), Lexer.isNameByte(c) { offset += 1 }
            fail("a name cannot start with a digit", at: start)
        }
        if overflow { fail("integer too large (the limit is \(Lexer.maximumInteger))", at: start) }
        return Token(kind: .integer(value), location: start)
    }

    private mutating func lexName(start: SourceLocation, previous: TokenKind?) -> Token? {
        let begin = offset
        while let c = peek(), Lexer.isNameByte(c) { offset += 1 }
        let name = String(decoding: bytes[begin..<offset], as: UTF8.self)
        switch name {
        case "include": return Token(kind: .include, location: start)
        case "include_shell": return Token(kind: .includeShell, location: start)
        case "global": return Token(kind: .global, location: start)
        case "else", "elseif", "elsif", "elif": return Token(kind: .else, location: start)
        case "if":
            var ahead = offset
            while ahead < bytes.count, bytes[ahead] == UInt8(ascii: " ") || bytes[ahead] == UInt8(ascii: "\t") {
                ahead += 1
            }
            if ahead < bytes.count, bytes[ahead] == UInt8(ascii: "$") { return next(previous: previous) }
            return Token(kind: .name(name), location: start)
        default:
            return Token(kind: .name(name), location: start)
        }
    }
}

extension String {
    /// `0xNN` for a byte that cannot be shown as a character.
    fileprivate init(format byte: UInt8) {
        let digits = Array("0123456789ABCDEF")
        self = "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
    }
}
