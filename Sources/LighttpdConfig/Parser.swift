/// Recursive-descent parser for lighttpd's config grammar (see `SyntaxTree.swift`).
///
/// On a syntax error it records a located diagnostic and skips to the end of the statement (or the
/// closing `}` of the block), so every mistake in a file is reported in one run.
struct Parser {
    private var tokens: [Token]
    private var index = 0
    private(set) var diagnostics = ConfigDiagnostics()
    private var depth = 0

    /// Deepest nesting of blocks accepted; refusing deeper input keeps the parser's stack bounded.
    static let maximumBlockDepth = 64

    init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// Parses a whole file.
    static func parse(text: String, file: String) -> (statements: [Statement], diagnostics: ConfigDiagnostics) {
        var lexer = Lexer(text: text, file: file)
        let tokens = lexer.tokenize()
        var parser = Parser(tokens: tokens)
        let statements = parser.parseFile()
        var diagnostics = lexer.diagnostics
        diagnostics.append(contentsOf: parser.diagnostics)
        return (statements, diagnostics)
    }

    private var current: Token { tokens[index] }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private mutating func skipEndOfLines() {
        while current.kind == .endOfLine { advance() }
    }

    private struct SyntaxError: Error {}

    private mutating func fail(_ message: String, at location: SourceLocation, fix: String? = nil) -> SyntaxError {
        diagnostics.error(message, at: location, fix: fix)
        return SyntaxError()
    }

    private mutating func expect(_ kind: TokenKind, _ what: String) throws(SyntaxError) {
        guard current.kind == kind else {
            throw fail("expected \(what), found \(current.kind.display)", at: current.location)
        }
        advance()
    }

    mutating func parseFile() -> [Statement] {
        let statements = parseStatements(untilCurly: false)
        if current.kind == .rightCurly {
            _ = fail("'}' without a matching '{'", at: current.location)
        }
        return statements
    }

    /// Statements up to a closing `}` (not consumed) or the end of the file.
    private mutating func parseStatements(untilCurly: Bool) -> [Statement] {
        var statements: [Statement] = []
        while true {
            skipEndOfLines()
            switch current.kind {
            case .endOfFile:
                return statements
            case .rightCurly:
                if untilCurly { return statements }
                _ = fail("'}' without a matching '{'", at: current.location)
                advance()
                continue
            default:
                break
            }
            let before = index
            do {
                statements.append(try parseStatement())
            } catch {
                recover()
            }
            if index == before { advance() }
        }
    }

    /// Skips to the end of the broken statement: the next end of line at this level, or a `}` at this level.
    private mutating func recover() {
        var curlies = 0
        while true {
            switch current.kind {
            case .endOfFile:
                return
            case .endOfLine where curlies == 0:
                return
            case .leftCurly:
                curlies += 1
            case .rightCurly:
                if curlies == 0 { return }
                curlies -= 1
            default:
                break
            }
            advance()
        }
    }

    private mutating func parseStatement() throws(SyntaxError) -> Statement {
        let token = current
        switch token.kind {
        case .name(let name):
            advance()
            let op: AssignmentOperator
            switch current.kind {
            case .assign: op = .assign
            case .append: op = .append
            case .forceAssign: op = .force
            default:
                throw fail(
                    "expected '=', '+=' or ':=' after '\(name)', found \(current.kind.display)",
                    at: current.location)
            }
            advance()
            let value = try parseExpression()
            try expectEndOfStatement()
            return .assignment(Assignment(key: name, keyLocation: token.location, op: op, value: value))
        case .include, .includeShell:
            advance()
            let argument = try parseExpression()
            try expectEndOfStatement()
            return token.kind == .include
                ? .include(argument, token.location) : .includeShell(argument, token.location)
        case .global:
            advance()
            let body = try parseBlock()
            return .global(body, token.location)
        case .dollar:
            return try parseConditional()
        case .else:
            throw fail("'else' without a preceding condition block", at: token.location)
        default:
            throw fail("expected a setting, a condition or include, found \(token.kind.display)", at: token.location)
        }
    }

    /// lighttpd's grammar needs no line break between settings (`{ ssl.engine = "enable" ssl.pemfile = "..." }`,
    /// as SPEC §6 writes it): a name, a condition or an include may start the next statement on the same line.
    private mutating func expectEndOfStatement() throws(SyntaxError) {
        switch current.kind {
        case .endOfLine, .endOfFile, .rightCurly, .name, .dollar, .include, .includeShell, .global:
            return
        case .string, .integer:
            throw fail(
                "unexpected \(current.kind.display) after a complete value", at: current.location,
                fix: "join values with '+'")
        default:
            throw fail("unexpected \(current.kind.display) after a complete value", at: current.location)
        }
    }

    private mutating func parseBlock() throws(SyntaxError) -> [Statement] {
        skipEndOfLines()
        guard current.kind == .leftCurly else {
            throw fail("expected '{', found \(current.kind.display)", at: current.location)
        }
        let open = current.location
        advance()
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maximumBlockDepth {
            throw fail("blocks nested more than \(Parser.maximumBlockDepth) deep", at: open)
        }
        let body = parseStatements(untilCurly: true)
        guard current.kind == .rightCurly else {
            throw fail("missing '}' for the block opened here", at: open)
        }
        advance()
        return body
    }

    private mutating func parseConditional() throws(SyntaxError) -> Statement {
        var branches: [ConditionalBranch] = []
        let first = try parseCondition()
        branches.append(ConditionalBranch(condition: first, body: try parseBlock(), location: first.location))
        while true {
            // `else` may follow `}` on the same line or on a later one.
            let save = index
            skipEndOfLines()
            guard current.kind == .else else {
                index = save
                break
            }
            let elseLocation = current.location
            advance()
            if current.kind == .dollar {
                let condition = try parseCondition()
                branches.append(
                    ConditionalBranch(condition: condition, body: try parseBlock(), location: elseLocation))
            } else {
                branches.append(ConditionalBranch(condition: nil, body: try parseBlock(), location: elseLocation))
            }
        }
        return .conditional(branches)
    }

    private mutating func parseCondition() throws(SyntaxError) -> ConditionSyntax {
        let start = current.location
        try expect(.dollar, "'$'")
        guard case .name(let kind) = current.kind else {
            throw fail("expected a condition such as $HTTP[\"url\"], found \(current.kind.display)", at: current.location)
        }
        let kindLocation = current.location
        advance()
        try expect(.leftBracket, "'[' after $\(kind)")
        let subscriptValue = try parseExpression()
        try expect(.rightBracket, "']'")
        guard case .condition(let op) = current.kind else {
            throw fail(
                "expected a comparison (==, !=, =~, !~, =^, =$), found \(current.kind.display)", at: current.location)
        }
        let opLocation = current.location
        advance()
        let value = try parseExpression()
        return ConditionSyntax(
            kind: kind, kindLocation: kindLocation, subscriptValue: subscriptValue, op: op, opLocation: opLocation,
            value: value, location: start)
    }

    private mutating func parseExpression() throws(SyntaxError) -> Expression {
        var expression = try parseValue()
        while current.kind == .plus {
            let location = current.location
            advance()
            expression = .concat(expression, try parseValue(), location)
        }
        return expression
    }

    private mutating func parseValue() throws(SyntaxError) -> Expression {
        let token = current
        switch token.kind {
        case .string(let s):
            advance()
            return .string(s, token.location)
        case .integer(let i):
            advance()
            return .integer(i, token.location)
        case .name(let n):
            advance()
            return .reference(n, token.location)
        case .leftParen:
            advance()
            return try parseArray(start: token.location)
        case .endOfLine, .endOfFile:
            throw fail("missing value", at: token.location)
        default:
            throw fail("expected a value, found \(token.kind.display)", at: token.location)
        }
    }

    private mutating func parseArray(start: SourceLocation) throws(SyntaxError) -> Expression {
        var elements: [ArrayElement] = []
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maximumBlockDepth {
            throw fail("arrays nested more than \(Parser.maximumBlockDepth) deep", at: start)
        }
        while current.kind != .rightParen {
            let first = try parseExpression()
            if current.kind == .arrow {
                advance()
                elements.append(ArrayElement(key: first, value: try parseExpression()))
            } else {
                elements.append(ArrayElement(key: nil, value: first))
            }
            switch current.kind {
            case .comma:
                advance()
            case .rightParen:
                break
            case .endOfFile, .endOfLine:
                throw fail("missing ')' for the array opened here", at: start)
            default:
                throw fail(
                    "expected ',' or ')' in array, found \(current.kind.display)", at: current.location,
                    fix: "separate elements with ','")
            }
        }
        advance()
        return .array(elements, start)
    }
}
