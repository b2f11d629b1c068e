import Foundation
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
