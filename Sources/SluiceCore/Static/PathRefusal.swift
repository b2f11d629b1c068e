/// Why a request path is not served from disk, and the status to answer with.
///
/// The statuses follow lighttpd 1.4 where it has one (`http_response_physical_path_check`,
/// `mod_staticfile`, request parsing) and SPEC §6 where Sluice is stricter (`%2F`, symlinks out of the
/// root).
public struct PathRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case notAbsolute
        case invalidEscape(offset: Int)
        case controlCharacter(offset: Int)
        case invalidUTF8
        case encodedSlash(offset: Int)
        case outsideRoot
        case symlinkForbidden
        case notFound
        case forbidden
        case excludedExtension
        case notRegularFile
        case noIndex
        case fileSystem(errno: Int32)
    }

    private let code: Code

    /// The HTTP status to answer with.
    public var status: Int {
        switch code {
        case .notAbsolute, .invalidEscape, .controlCharacter, .invalidUTF8: 400
        case .encodedSlash, .notFound: 404
        case .outsideRoot, .symlinkForbidden, .forbidden, .excludedExtension, .notRegularFile,
            .noIndex:
            403
        case .fileSystem: 500
        }
    }

    /// A line for the error log; never sent to the client (it may name files).
    public var message: String {
        switch code {
        case .notAbsolute: "request path does not start with '/'"
        case .invalidEscape(let offset): "invalid percent-escape at byte \(offset) of the request path"
        case .controlCharacter(let offset): "control character (or %00) at byte \(offset) of the request path"
        case .invalidUTF8: "request path is not valid UTF-8 once decoded"
        case .encodedSlash(let offset): "encoded '/' (%2F) at byte \(offset) of the request path is refused"
        case .outsideRoot: "the file's real path leaves its root (symbolic link)"
        case .symlinkForbidden: "a symbolic link in the path and server.follow-symlink is disabled"
        case .notFound: "no such file"
        case .forbidden: "permission denied"
        case .excludedExtension: "static-file.exclude-extensions forbids this file"
        case .notRegularFile: "not a regular file"
        case .noIndex: "directory without index file and dir-listing.activate is disabled"
        case .fileSystem(let errno): "file system error (errno \(errno))"
        }
    }

    public var description: String { "\(status) \(message)" }

    public static let notAbsolute = Self(code: .notAbsolute)
    public static func invalidEscape(offset: Int) -> Self { .init(code: .invalidEscape(offset: offset)) }
    public static func controlCharacter(offset: Int) -> Self { .init(code: .controlCharacter(offset: offset)) }
    public static let invalidUTF8 = Self(code: .invalidUTF8)
    public static func encodedSlash(offset: Int) -> Self { .init(code: .encodedSlash(offset: offset)) }
    public static let outsideRoot = Self(code: .outsideRoot)
    public static let symlinkForbidden = Self(code: .symlinkForbidden)
    public static let notFound = Self(code: .notFound)
    public static let forbidden = Self(code: .forbidden)
    public static let excludedExtension = Self(code: .excludedExtension)
    public static let notRegularFile = Self(code: .notRegularFile)
    public static let noIndex = Self(code: .noIndex)
    public static func fileSystem(errno: Int32) -> Self { .init(code: .fileSystem(errno: errno)) }
}
