import Foundation
import Glibc
import NIOHTTP1
import Testing

/// Static files through the per-loop caches (`server.stat-cache-engine`): small files from memory, large
/// ones by sendfile, and a file rewritten on disk seen at once when the stat cache is disabled.
@Suite struct StaticFileCacheTests {
    @Test func aRewrittenFileIsServedNewAtOnceWithTheCacheDisabled() async throws {
        let root = try TemporaryDirectory()
        let path = try root.write("page.txt", "version one")
        let config = """
            server.document-root = "\(root.path)"
            server.stat-cache-engine = "disable"
            """
        try await TestSluice.with(config: config) { sluice in
            let first = try await TestHTTPClient.request(TestHTTPRequest("/page.txt"), port: sluice.port)
            #expect(first.bodyString == "version one")
            try Data("the second, longer version".utf8).write(to: URL(fileURLWithPath: path))
            let second = try await TestHTTPClient.request(TestHTTPRequest("/page.txt"), port: sluice.port)
            #expect(second.bodyString == "the second, longer version")
            #expect(second.header("Content-Length") == "26")
            #expect(second.header("ETag") != first.header("ETag"))
        }
    }

    @Test func smallAndLargeFilesGiveTheSameBytesWholeAndInRanges() async throws {
        let root = try TemporaryDirectory()
        // 4 KiB is kept in memory; 200,000 bytes is past the small-file limit and goes by sendfile.
        for (name, size) in [("small.bin", 4096), ("large.bin", 200_000)] {
            _ = try root.write(name, (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) })
        }
        let config = "server.document-root = \"\(root.path)\""
        try await TestSluice.with(config: config) { sluice in
            for (name, size) in [("small.bin", 4096), ("large.bin", 200_000)] {
                let expected = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
                for _ in 0..<2 {  // the second answer of the small file comes from the cache
                    let whole = try await TestHTTPClient.request(TestHTTPRequest("/\(name)"), port: sluice.port)
                    #expect(Array(buffer: whole.body) == expected, "\(name)")
                }
                let range = try await TestHTTPClient.request(
                    TestHTTPRequest("/\(name)", headers: [("Range", "bytes=100-199")]), port: sluice.port)
                #expect(range.status == .partialContent)
                #expect(Array(buffer: range.body) == Array(expected[100..<200]), "\(name)")
                let multi = try await TestHTTPClient.request(
                    TestHTTPRequest("/\(name)", headers: [("Range", "bytes=0-1,-2")]), port: sluice.port)
                #expect(multi.status == .partialContent)
                #expect(multi.header("Content-Type")?.hasPrefix("multipart/byteranges; boundary=") == true)
                #expect(Array(buffer: multi.body).count == Int(multi.header("Content-Length") ?? "") ?? -1)
                let head = try await TestHTTPClient.request(TestHTTPRequest(.HEAD, "/\(name)"), port: sluice.port)
                #expect(head.header("Content-Length") == String(size) && head.body.readableBytes == 0)
            }
        }
    }
}

/// Files swapped for a link to outside the root right after they were served: a cached verdict ("inside the
/// root") must never let the outside file out. A file whose bytes are not kept is opened, found changed
/// (another stamp), and decided again: 403. A file whose bytes are kept may still answer with those (the
/// version it was, for up to the stat cache's second) or 403, never with the outside file.
@Suite struct StaticFileSwapTests {
    @Test func aFileReplacedByALinkOutsideTheRootIsNeverServed() async throws {
        let root = try TemporaryDirectory()
        try root.write("outside/secret.txt", "the secret")
        let fresh = try root.write("htdocs/fresh.txt", "public page")
        let settled = try root.write("htdocs/settled.txt", "public page")
        var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, settled, &times, 0) == 0)  // old enough for its bytes to be kept
        // Modified "in the future": never settled, so its bytes are never kept, however slowly this test runs
        // (with the real mtime, a loaded machine taking over 2 s before the first request made it settled).
        var future = [timespec(tv_sec: time(nil) + 3600, tv_nsec: 0), timespec(tv_sec: time(nil) + 3600, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, fresh, &future, 0) == 0)
        let config = "server.document-root = \"\(root.path)/htdocs\""
        try await TestSluice.with(config: config) { sluice in
            for name in ["fresh", "settled"] {
                for _ in 0..<2 {
                    let before = try await TestHTTPClient.request(TestHTTPRequest("/\(name).txt"), port: sluice.port)
                    #expect(before.bodyString == "public page")
                }
            }
            for path in [fresh, settled] {
                #expect(unlink(path) == 0 && symlink(root.path + "/outside/secret.txt", path) == 0)
            }
            let afterFresh = try await TestHTTPClient.request(TestHTTPRequest("/fresh.txt"), port: sluice.port)
            #expect(afterFresh.status == .forbidden && !afterFresh.bodyString.contains("secret"))
            let afterSettled = try await TestHTTPClient.request(TestHTTPRequest("/settled.txt"), port: sluice.port)
            #expect(!afterSettled.bodyString.contains("secret"))
            #expect(afterSettled.status == .forbidden || afterSettled.bodyString == "public page")
        }
    }
}
