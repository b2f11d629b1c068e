import SluiceCore

/// An imaginary tree for static-file tests: files, directories, symbolic links (followed like the
/// kernel does, relative targets against the link's directory) and paths that fail with an errno.
struct MemoryFileSystem: FileSystem {
    enum Node: Sendable {
        case file(size: Int64, modified: Int64)
        case directory
        case link(String)
        case special
        case failing(FileSystemError)
    }

    var nodes: [String: Node] = ["/": .directory]

    init(_ nodes: [String: Node]) {
        self.nodes.merge(nodes) { $1 }
        // Every ancestor of a node is a directory unless given otherwise.
        for path in nodes.keys {
            var components = path.split(separator: "/").dropLast()
            while !components.isEmpty {
                let ancestor = "/" + components.joined(separator: "/")
                if self.nodes[ancestor] == nil { self.nodes[ancestor] = .directory }
                components = components.dropLast()
            }
        }
    }

    func status(_ path: String) throws(FileSystemError) -> FileStatus {
        try fileStatus(resolve(path, followLast: true), path: path)
    }

    func linkStatus(_ path: String) throws(FileSystemError) -> FileStatus {
        try fileStatus(resolve(path, followLast: false), path: path)
    }

    func realPath(_ path: String) throws(FileSystemError) -> String {
        try resolve(path, followLast: true)
    }

    func directoryEntries(_ path: String) throws(FileSystemError) -> [DirectoryEntry] {
        let directory = try resolve(path, followLast: true)
        guard case .directory = nodes[directory] else { throw .notDirectory }
        let prefix = directory == "/" ? "/" : directory + "/"
        return nodes.keys.filter { $0.hasPrefix(prefix) && $0 != prefix && !$0.dropFirst(prefix.count).contains("/") }
            .map { DirectoryEntry(name: String($0.dropFirst(prefix.count)), status: try? status($0)) }
    }

    private func fileStatus(_ canonical: String, path: String) throws(FileSystemError) -> FileStatus {
        switch nodes[canonical] {
        case .file(let size, let modified)?:
            return FileStatus(kind: .regular, size: size, inode: inode(canonical), modificationSeconds: modified)
        case .directory?:
            return FileStatus(kind: .directory, size: 4096, inode: inode(canonical), modificationSeconds: 1_700_000_000)
        case .link?:
            return FileStatus(kind: .symbolicLink, size: 10, inode: inode(canonical))
        case .special?:
            return FileStatus(kind: .other, inode: inode(canonical))
        case .failing(let error)?:
            throw error
        case nil:
            throw .noEntry
        }
    }

    private func inode(_ path: String) -> UInt64 {
        UInt64(path.utf8.reduce(5381) { ($0 &* 33) &+ Int($1) }.magnitude)
    }

    /// The canonical path `path` leads to (every link followed except, unless `followLast`, the last).
    private func resolve(_ path: String, followLast: Bool) throws(FileSystemError) -> String {
        var pending = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var resolved: [String] = []
        var hops = 0
        while !pending.isEmpty {
            let component = pending.removeFirst()
            if component == "." { continue }
            if component == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            let candidate = "/" + (resolved + [component]).joined(separator: "/")
            switch nodes[candidate] {
            case .link(let target)? where followLast || !pending.isEmpty:
                hops += 1
                if hops > 40 { throw .tooManyLinks }
                if target.hasPrefix("/") { resolved = [] }
                pending = target.split(separator: "/").map(String.init) + pending
            case .failing(let error)?:
                throw error
            case .file?, .special?:
                if !pending.isEmpty { throw .notDirectory }
                resolved.append(component)
            case nil:
                throw .noEntry
            default:
                resolved.append(component)
            }
        }
        return "/" + resolved.joined(separator: "/")
    }
}
