import Glibc
import NIOCore
import NIOPosix
import SluiceCore

/// The static-file caches of one event loop: lighttpd's one-second stat cache and the bytes of small files,
/// so a popular small file is answered with a single write (head and body in one segment) and no file system
/// call at all for the rest of the second. Touched only on its event loop: no lock on the request path.
final class StaticFileCache: @unchecked Sendable {
    let eventLoop: EventLoop
    let stat: StatCache<SystemFileSystem>
    let contents: SmallFileContents

    init(eventLoop: EventLoop, statCacheEnabled: Bool) {
        self.eventLoop = eventLoop
        self.stat = StatCache(base: SystemFileSystem(), enabled: statCacheEnabled)
        self.contents = SmallFileContents()
    }

    /// The stat cache, its clock set to `now` (Unix seconds).
    func fileSystem(now: Int64) -> StatCache<SystemFileSystem> {
        eventLoop.assertInEventLoop()
        stat.now = now
        return stat
    }

    /// One cache per event loop of the group, found by the loop a connection runs on.
    struct PerLoop: Sendable {
        private let caches: [ObjectIdentifier: StaticFileCache]
        private let statCacheEnabled: Bool

        init(eventLoops: EventLoopGroup, statCacheEnabled: Bool) {
            var caches: [ObjectIdentifier: StaticFileCache] = [:]
            for loop in eventLoops.makeIterator() {
                caches[ObjectIdentifier(loop)] = StaticFileCache(eventLoop: loop, statCacheEnabled: statCacheEnabled)
            }
            self.caches = caches
            self.statCacheEnabled = statCacheEnabled
        }

        /// The loop's cache; a loop outside the group (tests with an embedded loop) gets a private one.
        func cache(for eventLoop: EventLoop) -> StaticFileCache {
            caches[ObjectIdentifier(eventLoop)] ?? StaticFileCache(eventLoop: eventLoop, statCacheEnabled: statCacheEnabled)
        }
    }
}

/// The bytes of small regular files, each checked against the file's stamp (device, inode, size,
/// modification time to the nanosecond) before every use: a file replaced or rewritten gets a new stamp from
/// the stat cache (within a second) and is read again. The response's validators and length come from the
/// same stamp, so head and body always describe the same version of the file.
final class SmallFileContents {
    /// Files up to this size are kept (a few pages: where open + sendfile + close cost more than the copy).
    static let maxFileSize: Int64 = 64 * 1024
    /// Bytes kept per event loop at most; past it the cache starts over.
    let maxTotalBytes: Int
    private var entries: [String: (stamp: FileStamp, bytes: ByteBuffer)] = [:]
    private(set) var totalBytes = 0

    init(maxTotalBytes: Int = 8 * 1024 * 1024) {
        self.maxTotalBytes = maxTotalBytes
    }

    var count: Int { entries.count }

    /// Files modified this recently are read but not kept: a rewrite of the same size within the file
    /// system's timestamp granularity would keep the stamp (git's "racy clean" rule).
    static let settleSeconds: Int64 = 2

    /// The file's bytes when it is small and still has `stamp`; nil means "send it from the file". `now`:
    /// Unix seconds.
    func bytes(of path: String, stamp: FileStamp, now: Int64, allocator: ByteBufferAllocator) -> ByteBuffer? {
        guard stamp.size <= Self.maxFileSize else { return nil }
        if let entry = entries[path] {
            if entry.stamp == stamp { return entry.bytes }
            remove(path)
        }
        guard let bytes = Self.read(path, expecting: stamp, allocator: allocator) else { return nil }
        guard now - stamp.modificationSeconds >= Self.settleSeconds else { return bytes }
        if totalBytes + bytes.readableBytes > maxTotalBytes {
            entries.removeAll(keepingCapacity: true)
            totalBytes = 0
        }
        entries[path] = (stamp, bytes)
        totalBytes += bytes.readableBytes
        return bytes
    }

    private func remove(_ path: String) {
        if let old = entries.removeValue(forKey: path) { totalBytes -= old.bytes.readableBytes }
    }

    /// Reads the whole file, but only when the open file still has `stamp` and yields exactly its size
    /// (a file changing while read is sent from the file instead).
    private static func read(_ path: String, expecting stamp: FileStamp, allocator: ByteBufferAllocator) -> ByteBuffer? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        guard FileStamp.current(descriptor: descriptor) == stamp else { return nil }
        let size = Int(stamp.size)
        var buffer = allocator.buffer(capacity: size)
        var failed = false
        while buffer.readableBytes < size && !failed {
            let wanted = size - buffer.readableBytes
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { raw in
                let count = Glibc.read(descriptor, raw.baseAddress, wanted)
                if count > 0 { return count }
                if count < 0 && errno == EINTR { return 0 }
                failed = true
                return 0
            }
        }
        return failed ? nil : buffer
    }
}
