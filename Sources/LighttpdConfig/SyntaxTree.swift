/// The parsed, not yet evaluated, form of a config file: statements with source locations.
///
/// Grammar (lighttpd 1.4 `configparser.y`, written as recursive descent in `Parser`):
/// ```
/// file       := statement*
/// statement  := NAME ('=' | '+=' | ':=') expression EOL
///             | 'include' expression EOL | 'include_shell' expression EOL
///             | 'global' '{' statement* '}'
///             | condition '{' statement* '}' ( 'else' (condition)? '{' statement* '}' )*
/// condition  := '$' NAME '[' expression ']' OP expression
/// expression := value ('+' value)*
/// value      := STRING | INTEGER | NAME | '(' (element (',' element)* ','?)? ')'
/// element    := expression ('=>' expression)?
/// ```
indirect enum Expression: Sendable {
    case string(String, SourceLocation)
    case integer(Int, SourceLocation)
    /// A reference to a variable or an earlier setting: `var.basedir`, `basedir`, `env.HOME`, `server.port`.
    case reference(String, SourceLocation)
    case array([ArrayElement], SourceLocation)
    case concat(Expression, Expression, SourceLocation)

    var location: SourceLocation {
        switch self {
        case .string(_, let l), .integer(_, let l), .reference(_, let l), .array(_, let l), .concat(_, _, let l):
            return l
        }
    }
}

struct ArrayElement: Sendable {
    var key: Expression?
    var value: Expression
}

enum AssignmentOperator: String, Sendable {
    case assign = "="
    case append = "+="
    case force = ":="
}

struct Assignment: Sendable {
    var key: String
    var keyLocation: SourceLocation
    var op: AssignmentOperator
    var value: Expression
}

/// `$HTTP["url"] =~ "^/proxy"`: the field kind (`HTTP`, `SERVER`, `REQUEST_HEADER`, `PHYSICAL`), its
/// subscript, the operator and the compared value.
struct ConditionSyntax: Sendable {
    var kind: String
    var kindLocation: SourceLocation
    var subscriptValue: Expression
    var op: ConditionOperator
    var opLocation: SourceLocation
    var value: Expression
    var location: SourceLocation
}

/// One branch of an `if / else if / else` chain; `condition == nil` is a bare `else`.
struct ConditionalBranch: Sendable {
    var condition: ConditionSyntax?
    var body: [Statement]
    var location: SourceLocation
}

enum Statement: Sendable {
    case assignment(Assignment)
    case include(Expression, SourceLocation)
    case includeShell(Expression, SourceLocation)
    case global([Statement], SourceLocation)
    case conditional([ConditionalBranch])
}
