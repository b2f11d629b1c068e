/// A mistake in `auth.backend` or `auth.require`, with where it lies so the config layer can print
/// `FILE:LINE:COL: error: MESSAGE` at the right token.
public struct AuthConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The part of the config value at fault, relative to nodes the config layer has locations for.
    public enum Position: Sendable, Hashable {
        /// The value of the key as a whole (`auth.backend`'s string).
        case value
        /// The path (key) of an `auth.require` entry; also used for an option missing from the entry.
        case requirePath
        /// The key of an option inside an `auth.require` entry.
        case optionKey(String)
        /// The string value of an option, `offset` bytes into its text (escapes already resolved).
        case optionValue(String, offset: Int)
    }

    private enum Code: Sendable, Hashable {
        case unsupportedBackend(String)
        case missingOption(String)
        case unknownOption(String)
        case duplicateOption(String)
        case digestOnlyOption(String)
        case unsupportedMethod(String)
        case unknownMethod(String)
        case controlCharacterInRealm
        case emptyRequire
        case requireEmptyToken
        case requireSpace
        case requireMissingName(String)
        case requireUnsupportedKind(String)
        case requireUnknownToken(String)
        case validUserCombined
        case duplicatePath(String)
    }

    private let code: Code
    public let position: Position

    public var message: String {
        let expectation = "expected \"valid-user\" or \"user=NAME|user=NAME\""
        switch code {
        case .unsupportedBackend(let name):
            return "auth.backend \"\(name)\" is not supported; use \"htpasswd\" or \"plain\""
        case .missingOption(let key):
            return "auth.require entry has no \"\(key)\""
        case .unknownOption(let key):
            return "unknown auth.require option \"\(key)\" (expected \"method\", \"realm\" or \"require\")"
        case .duplicateOption(let key):
            return "auth.require option \"\(key)\" is given twice"
        case .digestOnlyOption(let key):
            return "auth.require option \"\(key)\" belongs to method \"digest\", which is not supported"
        case .unsupportedMethod(let name):
            return "method \"\(name)\" is not supported; use \"basic\""
        case .unknownMethod(let name):
            return "unknown method \"\(name)\"; use \"basic\""
        case .controlCharacterInRealm:
            return "realm must not contain control characters (it is sent in the WWW-Authenticate header)"
        case .emptyRequire:
            return "\"require\" is empty; \(expectation)"
        case .requireEmptyToken:
            return "empty rule between '|' in \"require\"; \(expectation)"
        case .requireSpace:
            return "unexpected space in \"require\"; \(expectation)"
        case .requireMissingName(let kind):
            return "\"\(kind)=\" needs a name in \"require\"; \(expectation)"
        case .requireUnsupportedKind(let kind):
            return "\"\(kind)=\" is not supported in \"require\" (only users: \"user=NAME\")"
        case .requireUnknownToken(let token):
            return "unknown rule \"\(token)\" in \"require\"; \(expectation)"
        case .validUserCombined:
            return "\"valid-user\" cannot be combined with other rules in \"require\""
        case .duplicatePath(let path):
            return "auth.require path \"\(path)\" is given twice"
        }
    }

    public var description: String { message }

    static func unsupportedBackend(_ name: String) -> Self { .init(code: .unsupportedBackend(name), position: .value) }
    static func missingOption(_ key: String) -> Self { .init(code: .missingOption(key), position: .requirePath) }
    static func unknownOption(_ key: String) -> Self { .init(code: .unknownOption(key), position: .optionKey(key)) }
    static func duplicateOption(_ key: String) -> Self {
        .init(code: .duplicateOption(key), position: .optionKey(key))
    }
    static func digestOnlyOption(_ key: String) -> Self {
        .init(code: .digestOnlyOption(key), position: .optionKey(key))
    }
    static func unsupportedMethod(_ name: String) -> Self {
        .init(code: .unsupportedMethod(name), position: .optionValue("method", offset: 0))
    }
    static func unknownMethod(_ name: String) -> Self {
        .init(code: .unknownMethod(name), position: .optionValue("method", offset: 0))
    }
    static func controlCharacterInRealm(offset: Int) -> Self {
        .init(code: .controlCharacterInRealm, position: .optionValue("realm", offset: offset))
    }
    static let emptyRequire = Self(code: .emptyRequire, position: .optionValue("require", offset: 0))
    static func requireEmptyToken(offset: Int) -> Self {
        .init(code: .requireEmptyToken, position: .optionValue("require", offset: offset))
    }
    static func requireSpace(offset: Int) -> Self {
        .init(code: .requireSpace, position: .optionValue("require", offset: offset))
    }
    static func requireMissingName(_ kind: String, offset: Int) -> Self {
        .init(code: .requireMissingName(kind), position: .optionValue("require", offset: offset))
    }
    static func requireUnsupportedKind(_ kind: String, offset: Int) -> Self {
        .init(code: .requireUnsupportedKind(kind), position: .optionValue("require", offset: offset))
    }
    static func requireUnknownToken(_ token: String, offset: Int) -> Self {
        .init(code: .requireUnknownToken(token), position: .optionValue("require", offset: offset))
    }
    static func validUserCombined(offset: Int) -> Self {
        .init(code: .validUserCombined, position: .optionValue("require", offset: offset))
    }
    static func duplicatePath(_ path: String) -> Self { .init(code: .duplicatePath(path), position: .requirePath) }
}
