import Synchronization
import Testing
@testable import SluiceCore

/// lighttpd's "simple" stat cache: answers reused within the wall-clock second, asked again after it.
@Suite struct StatCacheTests {
    /// Counts the calls that reach the file system under the cache.
    final class Counting: FileSystem {
        let inner: MemoryFileSystem
        let calls = Mutex<[String]>([])

        init(_ inner: MemoryFileSystem) { self.inner = inner }

        var log: [String] { calls.withLock { $0 } }

        func status(_ path: String) throws(FileSystemError) -> FileStatus {
            calls.withLock { $0.append("stat \(path)") }
            return try inner.status(path)
        }
        func linkStatus(_ path: String) throws(FileSystemError) -> FileStatus {
            calls.withLock { $0.append("lstat \(path)") }
            return try inner.linkStatus(path)
        }
        func realPath(_ path: String) throws(FileSystemError) -> String {
            calls.withLock { $0.append("realpath \(path)") }
            return try inner.realPath(path)
        }
        func directoryEntries(_ path: String) throws(FileSystemError) -> [DirectoryEntry] {
            calls.withLock { $0.append("list \(path)") }
            return try inner.directoryEntries(path)
        }
    }

    let tree = MemoryFileSystem([
        "/www/a.txt": .file(size: 5, modified: 100),
        "/www/link": .link("a.txt"),
    ])

    @Test func reusesAnswersWithinTheSecond() throws {
        let counting = Counting(tree)
        let cache = StatCache(base: counting)
        cache.now = 1000
        for _ in 0..<3 {
            #expect(try cache.status("/www/a.txt").size == 5)
            #expect(try cache.linkStatus("/www/link").kind == .symbolicLink)
            #expect(try cache.realPath("/www/link") == "/www/a.txt")
        }
        #expect(counting.log == ["stat /www/a.txt", "lstat /www/link", "realpath /www/link"])
        // stat and lstat of one path are separate answers.
        #expect(try cache.status("/www/link").kind == .regular)
        #expect(counting.log.last == "stat /www/link")
    }

    @Test func asksAgainInTheNextSecond() throws {
        let counting = Counting(tree)
        let cache = StatCache(base: counting)
        cache.now = 1000
        _ = try cache.status("/www/a.txt")
        cache.now = 1001
        _ = try cache.status("/www/a.txt")
        _ = try cache.status("/www/a.txt")
        #expect(counting.log == ["stat /www/a.txt", "stat /www/a.txt"])
    }

    @Test func failuresAreCachedForTheSecondToo() {
        let counting = Counting(tree)
        let cache = StatCache(base: counting)
        cache.now = 7
        for _ in 0..<2 {
            #expect(throws: FileSystemError.noEntry) { try cache.status("/www/missing") }
        }
        #expect(counting.log == ["stat /www/missing"])
    }

    @Test func disabledAsksEveryTime() throws {
        let counting = Counting(tree)
        let cache = StatCache(base: counting, enabled: false)
        _ = try cache.status("/www/a.txt")
        _ = try cache.status("/www/a.txt")
        #expect(counting.log.count == 2)
        #expect(cache.count == 0)
    }

    @Test func listingsAreNeverCached() throws {
        let counting = Counting(tree)
        let cache = StatCache(base: counting)
        _ = try cache.directoryEntries("/www")
        _ = try cache.directoryEntries("/www")
        #expect(counting.log == ["list /www", "list /www"])
    }

    @Test func staysWithinItsCapacity() throws {
        let counting = Counting(MemoryFileSystem((0..<10).reduce(into: [:]) { $0["/f\($1)"] = .file(size: 1, modified: 0) }))
        let cache = StatCache(base: counting, capacity: 4)
        for index in 0..<10 {
            _ = try cache.status("/f\(index)")
            #expect(cache.count <= 4)
        }
    }

    @Test func pathChecksAreKeptApartBySymlinkPolicyAndRoot() {
        let counting = Counting(tree)
        let cache = StatCache(base: counting)
        cache.now = 9
        var settings = StaticFileSettings()
        let resolver = StaticPathResolver(documentRoot: "/www", aliases: AliasTable())
        settings.followSymlinks = true
        let following = StaticFileDecider(resolver: resolver, settings: settings)
        settings.followSymlinks = false
        let refusing = StaticFileDecider(resolver: resolver, settings: settings)
        let path = Array("/link".utf8)
        for _ in 0..<2 {
            guard case .serveFile = following.decide(rawPath: path, query: nil, fileSystem: cache) else {
                Issue.record("a link inside the root is served when links are followed")
                return
            }
            #expect(refusing.decide(rawPath: path, query: nil, fileSystem: cache) == .refuse(.symlinkForbidden))
        }
        // The same relative path under another root is another check.
        let other = StaticFileDecider(resolver: StaticPathResolver(documentRoot: "/", aliases: AliasTable()), settings: settings)
        #expect(other.decide(rawPath: path, query: nil, fileSystem: cache) == .refuse(.notFound))
    }

    @Test func decisionsThroughTheCacheMatchTheFileSystem() {
        // The decider asks the cache what it would ask the file system: same answers, fewer calls.
        let decider = StaticFileDecider(resolver: StaticPathResolver(documentRoot: "/www", aliases: AliasTable()), settings: .init())
        let counting = Counting(tree)
        let cache = StatCache(base: counting)
        cache.now = 5
        let direct = decider.decide(rawPath: Array("/link".utf8), query: nil, fileSystem: tree)
        let first = decider.decide(rawPath: Array("/link".utf8), query: nil, fileSystem: cache)
        let calls = counting.log.count
        let second = decider.decide(rawPath: Array("/link".utf8), query: nil, fileSystem: cache)
        #expect(first == direct && second == direct)
        #expect(calls > 0 && counting.log.count == calls)
    }
}
