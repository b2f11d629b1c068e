/// The file system calls static-file decisions make, so tests can hand them an imaginary tree.
/// `SystemFileSystem` is the real one. Paths are absolute. A server may wrap the real one in a short-lived
/// stat cache (lighttpd keeps one); the decisions do not care.
public protocol FileSystem: Sendable {
    /// `stat(2)`: follows symbolic links.
    func status(_ path: String) throws(FileSystemError) -> FileStatus
    /// `lstat(2)`: a symbolic link is reported as one.
    func linkStatus(_ path: String) throws(FileSystemError) -> FileStatus
    /// `realpath(3)`: the canonical absolute path, every symbolic link resolved.
    func realPath(_ path: String) throws(FileSystemError) -> String
    /// The entries of a directory, without `.` and `..`, in no particular order; `status` is the
    /// `stat(2)` of each (following links), nil when that failed (a dangling link).
    func directoryEntries(_ path: String) throws(FileSystemError) -> [DirectoryEntry]
    /// What the static stage found out about a physical path (its status and whether it stays inside its
    /// root), computed by `check`. A caching file system may hand back an earlier answer for as long as it
    /// would hand back the `stat`s that answer came from; the others just run `check`.
    func checkedPath(_ key: PathCheck.Key, _ check: () -> PathCheck) -> PathCheck
}

extension FileSystem {
    public func checkedPath(_ key: PathCheck.Key, _ check: () -> PathCheck) -> PathCheck { check() }
}

/// The status of a physical path, or why it cannot be had, and the containment verdict (symbolic links
/// leading outside the root), as the static stage works them out before looking at the file's kind.
public struct PathCheck: Sendable, Hashable {
    /// What is checked: a path under a root, with or without following links (`server.follow-symlink`).
    public struct Key: Sendable, Hashable {
        public var root: String
        public var relative: String
        public var followSymlinks: Bool

        public init(root: String, relative: String, followSymlinks: Bool) {
            self.root = root
            self.relative = relative
            self.followSymlinks = followSymlinks
        }
    }

    public var status: Result<FileStatus, FileSystemError>
    /// Set only when `status` succeeded: why the path must not be served.
    public var containment: PathRefusal?

    public init(status: Result<FileStatus, FileSystemError>, containment: PathRefusal?) {
        self.status = status
        self.containment = containment
    }
}

/// What `stat(2)` says about one file, as far as serving it goes.
public struct FileStatus: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case regular, directory, symbolicLink, other
    }

    public var kind: Kind
    /// Device, inode, size and modification time: what validators are made from.
    public var stamp: FileStamp

    public init(kind: Kind, stamp: FileStamp) {
        self.kind = kind
        self.stamp = stamp
    }

    public init(
        kind: Kind, size: Int64 = 0, inode: UInt64 = 1, device: UInt64 = 1, modificationSeconds: Int64 = 0,
        modificationNanoseconds: Int64 = 0
    ) {
        self.init(
            kind: kind,
            stamp: FileStamp(
                device: device, inode: inode, size: size, modificationSeconds: modificationSeconds,
                modificationNanoseconds: modificationNanoseconds
            )
        )
    }

    public var size: Int64 { stamp.size }
    public var modificationSeconds: Int64 { stamp.modificationSeconds }
}

/// One entry of a directory listing.
public struct DirectoryEntry: Sendable, Hashable {
    /// The name as stored on disk: any bytes but `/` and NUL, not necessarily UTF-8.
    public var name: [UInt8]
    /// `stat(2)` of the entry (links followed), nil when it failed.
    public var status: FileStatus?

    public init(name: [UInt8], status: FileStatus?) {
        self.name = name
        self.status = status
    }

    public init(name: String, status: FileStatus?) {
        self.init(name: Array(name.utf8), status: status)
    }
}

/// A failed file system call, by `errno`, with the status lighttpd answers for it
/// (`http_response_physical_path_check`): missing → 404, permission → 403, anything else → 500.
public struct FileSystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `errno` value (Linux numbering for the named ones below).
    public let errno: Int32

    public init(errno: Int32) {
        self.errno = errno
    }

    // Linux and Darwin agree on these numbers except ENAMETOOLONG (36 / 63) and ELOOP (40 / 62).
    public static let noEntry = Self(errno: 2)  // ENOENT
    public static let permissionDenied = Self(errno: 13)  // EACCES
    public static let notPermitted = Self(errno: 1)  // EPERM
    public static let notDirectory = Self(errno: 20)  // ENOTDIR
    #if canImport(Darwin)
        public static let nameTooLong = Self(errno: 63)
        public static let tooManyLinks = Self(errno: 62)
    #else
        public static let nameTooLong = Self(errno: 36)
        public static let tooManyLinks = Self(errno: 40)
    #endif

    /// Why serving failed, for a path whose `stat`, `realpath` or `open` failed with this error.
    /// A path through a regular file (`/file.html/more`, ENOTDIR) is a 404: Sluice has no PATH_INFO
    /// for static files.
    public var refusal: PathRefusal {
        switch self {
        case .noEntry, .notDirectory, .nameTooLong: .notFound
        case .permissionDenied, .notPermitted, .tooManyLinks: .forbidden
        default: .fileSystem(errno: errno)
        }
    }

    public var description: String { "errno \(errno)" }
}
