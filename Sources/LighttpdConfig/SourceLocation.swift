/// A position in a config file, 1-based, as printed in `FILE:LINE:COL: error: MESSAGE`.
///
/// Columns count bytes of the line's UTF-8 text, as lighttpd's `pos:` does.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// Where built-in defaults and command-line values come from.
    public static let builtIn = SourceLocation(file: "<built-in>", line: 0, column: 0)

    public var description: String { "\(file):\(line):\(column)" }

    /// The location `count` bytes further on the same line.
    public func advanced(by count: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column + count)
    }
}
