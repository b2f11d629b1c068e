/// lighttpd's "simple" stat cache (`server.stat-cache-engine`): what `stat`, `lstat` and `realpath`
/// answered for a path is reused for the rest of the wall-clock second in which it was asked, so a busy
/// static file costs one set of file system calls per second instead of several per request. A file
/// changed within that second is seen at the next one, as with lighttpd.
///
/// Not thread-safe by design: the server keeps one cache per event loop and touches it only there (no lock
/// on the request path). `now` is set by the caller before each request (an injected clock for tests).
/// Failures are cached too (a missing file stays missing for the second), also as lighttpd does.
/// `directoryEntries` is never cached: listings are rare and must be current.
public final class StatCache<Base: FileSystem>: FileSystem, @unchecked Sendable {
    private struct Entry {
        var second: Int64
        var status: Result<FileStatus, FileSystemError>?
        var link: Result<FileStatus, FileSystemError>?
        var real: Result<String, FileSystemError>?
    }

    public let base: Base
    /// When false every call goes to `base` (`server.stat-cache-engine = "disable"`).
    public let enabled: Bool
    /// Most paths remembered; past it the cache starts over (a bound, not an LRU: entries live a second).
    public let capacity: Int
    /// Unix seconds of the request being served.
    public var now: Int64 = 0
    private var entries: [String: Entry] = [:]
    private var checks: [PathCheck.Key: (second: Int64, check: PathCheck)] = [:]

    public init(base: Base, enabled: Bool = true, capacity: Int = 4096) {
        self.base = base
        self.enabled = enabled
        self.capacity = max(1, capacity)
    }

    /// Paths and path checks currently remembered (fresh or not).
    public var count: Int { entries.count + checks.count }

    public func status(_ path: String) throws(FileSystemError) -> FileStatus {
        guard enabled else { return try base.status(path) }
        var entry = freshEntry(path)
        if let cached = entry.status { return try cached.get() }
        let result = Result { () throws(FileSystemError) in try base.status(path) }
        entry.status = result
        store(entry, for: path)
        return try result.get()
    }

    public func linkStatus(_ path: String) throws(FileSystemError) -> FileStatus {
        guard enabled else { return try base.linkStatus(path) }
        var entry = freshEntry(path)
        if let cached = entry.link { return try cached.get() }
        let result = Result { () throws(FileSystemError) in try base.linkStatus(path) }
        entry.link = result
        store(entry, for: path)
        return try result.get()
    }

    public func realPath(_ path: String) throws(FileSystemError) -> String {
        guard enabled else { return try base.realPath(path) }
        var entry = freshEntry(path)
        if let cached = entry.real { return try cached.get() }
        let result = Result { () throws(FileSystemError) in try base.realPath(path) }
        entry.real = result
        store(entry, for: path)
        return try result.get()
    }

    public func directoryEntries(_ path: String) throws(FileSystemError) -> [DirectoryEntry] {
        try base.directoryEntries(path)
    }

    /// Checks made this second are answered again: they were made from this second's `stat`s.
    public func checkedPath(_ key: PathCheck.Key, _ check: () -> PathCheck) -> PathCheck {
        guard enabled else { return check() }
        if let remembered = checks[key], remembered.second == now { return remembered.check }
        let result = check()
        if checks.count >= capacity && checks[key] == nil { checks.removeAll(keepingCapacity: true) }
        checks[key] = (now, result)
        return result
    }

    /// The path's entry when it was made this second, else an empty one for this second.
    private func freshEntry(_ path: String) -> Entry {
        if let entry = entries[path], entry.second == now { return entry }
        return Entry(second: now)
    }

    private func store(_ entry: Entry, for path: String) {
        if entries.count >= capacity && entries[path] == nil { entries.removeAll(keepingCapacity: true) }
        entries[path] = entry
    }
}
