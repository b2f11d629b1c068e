#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension UserFile {
    /// lighttpd's limit too (`fdevent_load_file` with 64 MB); real user files are far smaller.
    public static let maximumFileSize = 64 * 1024 * 1024

    /// Reads and parses the file at `path`. Bad lines become `issues`; only a file that cannot be
    /// read at all throws.
    public static func load(path: String, backend: AuthBackend) throws(UserFileError) -> UserFile {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        defer { close(descriptor) }

        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .cannotRead(path: path, errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notRegularFile(path: path) }
        guard Int64(info.st_size) <= Int64(maximumFileSize) else { throw .tooLarge(path: path) }

        var contents: [UInt8] = []
        contents.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, errno: errno)
            }
            contents.append(contentsOf: chunk.prefix(count))
            // The file may grow after fstat; stay within the limit regardless.
            guard contents.count <= maximumFileSize else { throw .tooLarge(path: path) }
        }
        let file = UserFile(parsing: contents, path: path, backend: backend, stamp: FileStamp(info))
        contents.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
        return file
    }

    /// Whether the file on disk is no longer the one this value was read from (changed, replaced or
    /// removed). The server calls this on its own schedule and loads again when true.
    public func hasChangedOnDisk() -> Bool {
        FileStamp.current(path: path) != stamp
    }
}

/// A user file that could not be read at all.
public struct UserFileError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case cannotOpen(errno: Int32)
        case cannotRead(errno: Int32)
        case notRegularFile
        case tooLarge
    }

    private let code: Code
    public let path: String

    static func cannotOpen(path: String, errno: Int32) -> UserFileError {
        UserFileError(code: .cannotOpen(errno: errno), path: path)
    }
    static func cannotRead(path: String, errno: Int32) -> UserFileError {
        UserFileError(code: .cannotRead(errno: errno), path: path)
    }
    static func notRegularFile(path: String) -> UserFileError {
        UserFileError(code: .notRegularFile, path: path)
    }
    static func tooLarge(path: String) -> UserFileError {
        UserFileError(code: .tooLarge, path: path)
    }

    public var message: String {
        switch code {
        case .cannotOpen(let number):
            "cannot open user file \"\(path)\": \(String(cString: strerror(number)))"
        case .cannotRead(let number):
            "cannot read user file \"\(path)\": \(String(cString: strerror(number)))"
        case .notRegularFile:
            "user file \"\(path)\" is not a regular file"
        case .tooLarge:
            "user file \"\(path)\" is larger than \(UserFile.maximumFileSize / (1024 * 1024)) MiB"
        }
    }

    public var description: String { message }
}
