/// One located problem in a configuration, printed as `FILE:LINE:COL: error: MESSAGE`.
///
/// A struct wrapping a message rather than an enum of cases, so that new kinds of mistakes can be added
/// without breaking callers (the shape of swift-nio's `NIOHTTPDecoderError`).
public struct ConfigDiagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// A suggested fix, printed after the message ("did you mean ...?", "add ... to server.modules").
    public var fix: String?

    public init(_ message: String, at location: SourceLocation, fix: String? = nil) {
        self.location = location
        self.message = message
        self.fix = fix
    }

    public var description: String {
        // A file that cannot be read at all has no line to point at; SPEC §1 still wants FILE:LINE:COL, and an
        // editor jumping to line 1 of the file named is the right answer.
        var text = location.line > 0 ? "\(location): error: \(message)" : "\(location.file):1:1: error: \(message)"
        if let fix { text += "; \(fix)" }
        return text
    }
}

/// Every diagnostic of one load, in the order found; `sorted` orders them by file, line and column.
public struct ConfigDiagnostics: Sendable {
    public private(set) var all: [ConfigDiagnostic] = []

    public init() {}

    public var isEmpty: Bool { all.isEmpty }
    public var count: Int { all.count }

    public mutating func error(_ message: String, at location: SourceLocation, fix: String? = nil) {
        all.append(ConfigDiagnostic(message, at: location, fix: fix))
    }

    public mutating func append(_ diagnostic: ConfigDiagnostic) {
        all.append(diagnostic)
    }

    public mutating func append(contentsOf other: ConfigDiagnostics) {
        all.append(contentsOf: other.all)
    }

    /// Diagnostics grouped per file in the order files were read, then by line and column; duplicates
    /// (the same message at the same place, e.g. from a file included twice) are printed once.
    public var sorted: [ConfigDiagnostic] {
        var fileOrder: [String: Int] = [:]
        for diagnostic in all where fileOrder[diagnostic.location.file] == nil {
            fileOrder[diagnostic.location.file] = fileOrder.count
        }
        var seen = Set<ConfigDiagnostic>()
        return all.filter { seen.insert($0).inserted }.sorted { a, b in
            let fa = fileOrder[a.location.file, default: 0], fb = fileOrder[b.location.file, default: 0]
            if fa != fb { return fa < fb }
            if a.location.line != b.location.line { return a.location.line < b.location.line }
            return a.location.column < b.location.column
        }
    }
}
