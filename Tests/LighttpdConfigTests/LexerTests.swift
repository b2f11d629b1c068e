import Testing
@testable import LighttpdConfig

@Suite struct LexerTests {
    private func kinds(_ text: String) -> [TokenKind] {
        var lexer = Lexer(text: text, file: "t.conf")
        return lexer.tokenize().map(\.kind)
    }

    @Test func assignmentWithComment() {
        #expect(kinds("server.port = 8080 # the port\n") == [
            .name("server.port"), .assign, .integer(8080), .endOfLine, .endOfLine, .endOfFile,
        ])
    }

    @Test func onlyEscapedQuoteIsAnEscapeSoRegexesKeepBackslashes() {
        #expect(kinds(#"a = "\.php$ \"q\" \\d""#).prefix(3) == [.name("a"), .assign, .string(#"\.php$ "q" \\d"#)])
    }

    @Test func newlinesInsideParenthesesAreNotStatementEnds() {
        #expect(kinds("a = ( \"x\",\n \"y\" )\n") == [
            .name("a"), .assign, .leftParen, .string("x"), .comma, .string("y"), .rightParen, .endOfLine, .endOfLine,
            .endOfFile,
        ])
    }

    @Test func operators() {
        let ops = kinds("$HTTP[\"url\"] =~ \"x\" { } == != !~ =^ =$ += := =>")
        #expect(ops.contains(.condition(.match)))
        for op in ConditionOperator.allCases where op != .match {
            #expect(ops.contains(.condition(op)), "missing \(op)")
        }
        #expect(ops.contains(.append) && ops.contains(.forceAssign) && ops.contains(.arrow))
    }

    @Test func keywordsAndIfBeforeCondition() {
        #expect(kinds("if $HTTP else elseif elsif elif include include_shell global").prefix(9) == [
            .dollar, .name("HTTP"), .else, .else, .else, .else, .include, .includeShell, .global,
        ])
    }

    @Test func noBreakSpaceIsWhiteSpace() {
        #expect(kinds("a\u{00A0}=\u{00A0}1").prefix(3) == [.name("a"), .assign, .integer(1)])
    }

    @Test func locationsAreOneBasedByteColumns() {
        var lexer = Lexer(text: "a = 1\n  bb = \"x\"\n", file: "f.conf")
        let tokens = lexer.tokenize()
        let bb = tokens.first { $0.kind == .name("bb") }
        #expect(bb?.location == SourceLocation(file: "f.conf", line: 2, column: 3))
        let string = tokens.first { $0.kind == .string("x") }
        #expect(string?.location.column == 8)
    }

    @Test func stringsSpanningLinesKeepLineCountsRight() {
        var lexer = Lexer(text: "a = \"x\ny\"\nb = 1", file: "f.conf")
        let tokens = lexer.tokenize()
        #expect(tokens.first { $0.kind == .name("b") }?.location.line == 3)
    }

    @Test func errorsAreLocatedAndLexingGoesOn() {
        var lexer = Lexer(text: "a = \"unterminated\nb = 1 ; c = 2", file: "f.conf")
        _ = lexer.tokenize()
        #expect(lexer.diagnostics.all.map(\.description) == ["f.conf:1:5: error: missing closing quote for this string"])
        var other = Lexer(text: "a = 1 ; b = @", file: "f.conf")
        _ = other.tokenize()
        #expect(other.diagnostics.all.map(\.description) == [
            "f.conf:1:7: error: unexpected character ';'", "f.conf:1:13: error: unexpected character '@'",
        ])
    }

    @Test func hugeIntegersAreRefused() {
        var lexer = Lexer(text: "a = 99999999999999999999999", file: "f.conf")
        _ = lexer.tokenize()
        #expect(lexer.diagnostics.all.first?.message.hasPrefix("integer too large") == true)
    }
}
