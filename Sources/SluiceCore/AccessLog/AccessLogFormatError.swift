/// A mistake in `accesslog.format`, at `offset` UTF-8 bytes into the string value (escapes already
/// resolved), so the config layer can report `FILE:LINE:COL` at the code itself.
public struct AccessLogFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case missingCode
        case unknownCode(String)
        case unterminatedArgument
        case emptyArgument
        case missingArgument(String)
        case unknownTimeConversion(String)
        case unknownDurationUnit(String)
        case unknownPortKind(String)
        case statusConditionsUnsupported
    }

    private let code: Code
    /// Byte offset of the `%` (or of the offending character inside `{...}`).
    public let offset: Int

    public var message: String {
        switch code {
        case .missingCode:
            "'%' at the end of accesslog.format needs a code (write %% for a percent sign)"
        case .unknownCode(let code):
            "unknown accesslog.format code '%\(code)'"
        case .unterminatedArgument:
            "'%{' without a closing '}' in accesslog.format"
        case .emptyArgument:
            "empty '%{}' in accesslog.format"
        case .missingArgument(let code):
            "'%\(code)' needs a name: %{Name}\(code)"
        case .unknownTimeConversion(let conversion):
            "unsupported time conversion '%\(conversion)' in %{...}t"
        case .unknownDurationUnit(let unit):
            "unknown unit \"\(unit)\" in %{...}T (expected s, ms, us or ns)"
        case .unknownPortKind(let kind):
            "unknown port \"\(kind)\" in %{...}p (expected local or remote)"
        case .statusConditionsUnsupported:
            "status conditions such as %400{...}i are not supported in accesslog.format"
        }
    }

    public var description: String { message }

    static func missingCode(offset: Int) -> Self { .init(code: .missingCode, offset: offset) }
    static func unknownCode(_ code: String, offset: Int) -> Self { .init(code: .unknownCode(code), offset: offset) }
    static func unterminatedArgument(offset: Int) -> Self { .init(code: .unterminatedArgument, offset: offset) }
    static func emptyArgument(offset: Int) -> Self { .init(code: .emptyArgument, offset: offset) }
    static func missingArgument(_ code: String, offset: Int) -> Self {
        .init(code: .missingArgument(code), offset: offset)
    }
    static func unknownTimeConversion(_ conversion: String, offset: Int) -> Self {
        .init(code: .unknownTimeConversion(conversion), offset: offset)
    }
    static func unknownDurationUnit(_ unit: String, offset: Int) -> Self {
        .init(code: .unknownDurationUnit(unit), offset: offset)
    }
    static func unknownPortKind(_ kind: String, offset: Int) -> Self {
        .init(code: .unknownPortKind(kind), offset: offset)
    }
    static func statusConditionsUnsupported(offset: Int) -> Self {
        .init(code: .statusConditionsUnsupported, offset: offset)
    }
}
