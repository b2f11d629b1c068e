/// The comparison of a conditional block: `$HTTP["url"] OP "value"`.
public enum ConditionOperator: String, Sendable, Hashable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case match = "=~"
    case notMatch = "!~"
    case prefix = "=^"
    case suffix = "=$"

    /// `=~` and `!~` compare against a PCRE2 regex.
    public var isRegex: Bool { self == .match || self == .notMatch }
    /// `!=` and `!~` invert the comparison.
    public var isNegated: Bool { self == .notEqual || self == .notMatch }
}

/// A token of lighttpd's config language (lighttpd 1.4 `configfile.c` tokenizer, `configparser.y` terminals).
enum TokenKind: Equatable, Sendable {
    /// A bare name: `server.port`, `var.x`, `basedir`, `env.HOME`; after `$` a field kind such as `HTTP`.
    case name(String)
    case string(String)
    case integer(Int)
    case assign  // =
    case append  // +=
    case forceAssign  // :=
    case arrow  // =>
    case plus  // +
    case comma
    case leftParen, rightParen
    case leftCurly, rightCurly
    case leftBracket, rightBracket
    case dollar
    case condition(ConditionOperator)
    case include, includeShell, global, `else`
    /// End of a statement: a newline outside parentheses, or text following `}` on the same line.
    case endOfLine
    case endOfFile

    var display: String {
        switch self {
        case .name(let n): return "name '\(n)'"
        case .string(let s): return "string \"\(s.count > 40 ? String(s.prefix(40)) + "..." : s)\""
        case .integer(let i): return "integer \(i)"
        case .assign: return "'='"
        case .append: return "'+='"
        case .forceAssign: return "':='"
        case .arrow: return "'=>'"
        case .plus: return "'+'"
        case .comma: return "','"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftCurly: return "'{'"
        case .rightCurly: return "'}'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .dollar: return "'$'"
        case .condition(let op): return "'\(op.rawValue)'"
        case .include: return "'include'"
        case .includeShell: return "'include_shell'"
        case .global: return "'global'"
        case .else: return "'else'"
        case .endOfLine: return "end of line"
        case .endOfFile: return "end of file"
        }
    }
}

struct Token: Sendable {
    var kind: TokenKind
    var location: SourceLocation
}
