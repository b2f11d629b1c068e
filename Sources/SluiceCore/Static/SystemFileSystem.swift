#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `FileSystem` on the real system calls. Blocking: the server calls it off the event loop (or accepts
/// a stat on a warm page cache on it, as lighttpd does).
public struct SystemFileSystem: FileSystem {
    public init() {}

    public func status(_ path: String) throws(FileSystemError) -> FileStatus {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileSystemError(errno: errno) }
        return FileStatus(info)
    }

    public func linkStatus(_ path: String) throws(FileSystemError) -> FileStatus {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw FileSystemError(errno: errno) }
        return FileStatus(info)
    }

    public func realPath(_ path: String) throws(FileSystemError) -> String {
        guard let resolved = realpath(path, nil) else { throw FileSystemError(errno: errno) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    public func directoryEntries(_ path: String) throws(FileSystemError) -> [DirectoryEntry] {
        guard let directory = opendir(path) else { throw FileSystemError(errno: errno) }
        defer { closedir(directory) }
        let descriptor = dirfd(directory)
        var entries = [DirectoryEntry]()
        while let entry = readdir(directory) {
            let name: [UInt8] = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                return Array(bytes.prefix { $0 != 0 })
            }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            var info = stat()
            // NUL-terminated copy: d_name's bytes were taken without their terminator.
            let found = (name + [0]).withUnsafeBytes { raw in
                fstatat(descriptor, raw.baseAddress!.assumingMemoryBound(to: CChar.self), &info, 0) == 0
            }
            entries.append(DirectoryEntry(name: name, status: found ? FileStatus(info) : nil))
        }
        return entries
    }
}

extension FileStatus {
    init(_ info: stat) {
        let kind: Kind =
            switch UInt32(info.st_mode) & 0o170000 {
            case 0o100000: .regular
            case 0o040000: .directory
            case 0o120000: .symbolicLink
            default: .other
            }
        self.init(kind: kind, stamp: FileStamp(info))
    }
}
