import LighttpdConfig

/// The users of `auth.backend.htpasswd.userfile` or `auth.backend.plain.userfile`, parsed once.
///
/// Lines follow lighttpd's mod_authn_file: `user:password-or-hash`, split at the first `:`; a line
/// starting with `#` is a comment; blank lines are skipped; a `\r` before the `\n` is dropped; lines
/// over 1024 bytes are refused; a leading UTF-8 byte-order mark (Windows editors) is skipped rather
/// than glued to the first user's name. Where lighttpd skips a bad line and logs, Sluice skips it and
/// reports an `Issue` with its line and column, so the config check (`sluice -t`) can print
/// `FILE:LINE:COL: error: MESSAGE`. The first line for a user wins, as in lighttpd.
///
/// A value: to reload, load again and swap (see `UserFile+Loading.swift`, `hasChangedOnDisk()`).
public struct UserFile: Sendable {
    /// lighttpd skips longer lines ("excessively long").
    public static let maximumLineLength = 1024

    public let path: String
    public let backend: AuthBackend
    /// The file's identity and mtime when read, to notice a change later; nil when parsed from memory.
    public let stamp: FileStamp?
    /// Lines that were skipped, in file order.
    public let issues: [Issue]
    /// Keyed by the user's bytes: lighttpd compares names with `memcmp`, and Swift `String` equality
    /// would also match canonically equivalent spellings ("é" as one or two scalars).
    private let entries: [[UInt8]: StoredPassword]

    public var userCount: Int { entries.count }

    /// Parses a user file's contents. `path` names the file in issues.
    public init(parsing contents: some Collection<UInt8>, path: String, backend: AuthBackend, stamp: FileStamp? = nil) {
        self.path = path
        self.backend = backend
        self.stamp = stamp
        var entries: [[UInt8]: StoredPassword] = [:]
        var firstLines: [[UInt8]: Int] = [:]
        var issues: [Issue] = []
        var bytes = Array(contents)[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            let location = SourceLocation(file: path, line: lineNumber, column: 1)
            switch Self.parseLine(rawLine, backend: backend, at: location) {
            case .skip:
                continue
            case .issue(let issue):
                issues.append(issue)
            case .entry(let user, let stored):
                if let first = firstLines[user] {
                    issues.append(.duplicateUser(String(decoding: user, as: UTF8.self), firstLine: first, at: location))
                } else {
                    entries[user] = stored
                    firstLines[user] = lineNumber
                }
            }
        }
        self.entries = entries
        self.issues = issues
    }

    private enum Line {
        /// Blank or comment.
        case skip
        case entry(user: [UInt8], password: StoredPassword)
        case issue(Issue)
    }

    private static func parseLine(_ rawLine: ArraySlice<UInt8>, backend: AuthBackend, at location: SourceLocation)
        -> Line
    {
        var line = rawLine
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return .skip }
        if line.first == UInt8(ascii: "#") { return .skip }
        guard line.count <= maximumLineLength else { return .issue(.lineTooLong(at: location)) }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return .issue(.missingColon(at: location)) }
        let user = Array(line[..<colon])
        guard !user.isEmpty else { return .issue(.emptyUser(at: location)) }
        let secret = line[(colon + 1)...]
        let secretLocation = location.advanced(by: user.count + 1)
        switch backend {
        case .plain:
            guard !secret.isEmpty else { return .issue(.emptyPassword(at: secretLocation)) }
            return .entry(user: user, password: StoredPassword(plainText: secret))
        case .htpasswd:
            do {
                return .entry(user: user, password: try StoredPassword(htpasswdHash: secret))
            } catch {
                return .issue(.badHash(error, at: secretLocation))
            }
        }
    }

    public func contains(user: String) -> Bool {
        entries[Array(user.utf8)] != nil
    }

    /// Whether `user` is in the file and `password` matches. An unknown user answers false at once;
    /// only a known user's check costs a hash (lighttpd behaves the same).
    public func verify(user: String, password: some Collection<UInt8>) -> Bool {
        guard let stored = entries[Array(user.utf8)] else { return false }
        return stored.verify(password)
    }

    public func verify(user: String, password: String) -> Bool {
        verify(user: user, password: password.utf8)
    }
}

extension UserFile {
    /// A skipped user-file line. `description` is `FILE:LINE:COL: error: MESSAGE`.
    public struct Issue: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable {
            case lineTooLong, missingColon, emptyUser, emptyPassword
            case duplicateUser(String, firstLine: Int)
            case badHash(StoredPassword.FormatError)
        }

        private let code: Code
        public let location: SourceLocation

        static func lineTooLong(at location: SourceLocation) -> Issue {
            Issue(code: .lineTooLong, location: location)
        }
        static func missingColon(at location: SourceLocation) -> Issue {
            Issue(code: .missingColon, location: location)
        }
        static func emptyUser(at location: SourceLocation) -> Issue {
            Issue(code: .emptyUser, location: location)
        }
        static func emptyPassword(at location: SourceLocation) -> Issue {
            Issue(code: .emptyPassword, location: location)
        }
        static func duplicateUser(_ user: String, firstLine: Int, at location: SourceLocation) -> Issue {
            Issue(code: .duplicateUser(user, firstLine: firstLine), location: location)
        }
        static func badHash(_ error: StoredPassword.FormatError, at location: SourceLocation) -> Issue {
            Issue(code: .badHash(error), location: location)
        }

        public var message: String {
            switch code {
            case .lineTooLong:
                "line longer than \(UserFile.maximumLineLength) bytes"
            case .missingColon:
                "expected \"user:password\""
            case .emptyUser:
                "empty user name"
            case .emptyPassword:
                "empty password (a user with no password would let anyone in)"
            case .duplicateUser(let user, let firstLine):
                "user \"\(user)\" is already defined on line \(firstLine); this line is ignored"
            case .badHash(let error):
                error.message
            }
        }

        public var description: String { "\(location): error: \(message)" }
    }
}
