import Foundation
import NIOHTTP1
import Testing

/// Static files over real sockets: bodies, HEAD, validators, ranges, directories, listings, traversal.
@Suite struct StaticFileTests {
    let root: TemporaryDirectory
    let config: String

    init() throws {
        root = try TemporaryDirectory()
        try root.write("htdocs/hello.txt", "hello, world\n")
        try root.write("htdocs/site/index.html", "<h1>index</h1>")
        try root.write("htdocs/files/a <b>&.txt", "a")
        try root.write("htdocs/files/.hidden", "h")
        try root.write("htdocs/secret.php", "<?php")
        try root.write("outside.txt", "outside")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/htdocs/escape.txt", withDestinationPath: root.path + "/outside.txt")
        let digits = (0..<100).map { String($0 % 10) }.joined()
        try root.write("htdocs/digits.txt", digits)
        config = """
            server.document-root = "\(root.path)/htdocs"
            static-file.exclude-extensions = ( ".php" )
            $HTTP["url"] =^ "/files/" { dir-listing.activate = "enable" }
            """
    }

    @Test func servesFilesWithValidators() async throws {
        try await TestSluice.with(config: config) { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/hello.txt"), port: sluice.port)
            #expect(response.status == .ok)
            #expect(response.bodyString == "hello, world\n")
            #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(response.header("Content-Length") == "13")
            #expect(response.header("Server")?.hasPrefix("sluice/") == true)
            #expect(response.header("Date")?.hasSuffix(" GMT") == true)
            let etag = try #require(response.header("ETag"))
            let lastModified = try #require(response.header("Last-Modified"))

            let byETag = try await TestHTTPClient.request(
                TestHTTPRequest("/hello.txt", headers: [("If-None-Match", etag)]), port: sluice.port)
            #expect(byETag.status == .notModified)
            #expect(byETag.body.readableBytes == 0)
            let byDate = try await TestHTTPClient.request(
                TestHTTPRequest("/hello.txt", headers: [("If-Modified-Since", lastModified)]), port: sluice.port)
            #expect(byDate.status == .notModified)
            let head = try await TestHTTPClient.request(TestHTTPRequest(.HEAD, "/hello.txt"), port: sluice.port)
            #expect(head.status == .ok && head.header("Content-Length") == "13" && head.body.readableBytes == 0)
        }
    }

    @Test func rangeRequests() async throws {
        try await TestSluice.with(config: config) { sluice in
            let single = try await TestHTTPClient.request(
                TestHTTPRequest("/digits.txt", headers: [("Range", "bytes=10-14")]), port: sluice.port)
            #expect(single.status == .partialContent)
            #expect(single.bodyString == "01234")
            #expect(single.header("Content-Range") == "bytes 10-14/100")
            let suffix = try await TestHTTPClient.request(
                TestHTTPRequest("/digits.txt", headers: [("Range", "bytes=-3")]), port: sluice.port)
            #expect(suffix.bodyString == "789")
            let multi = try await TestHTTPClient.request(
                TestHTTPRequest("/digits.txt", headers: [("Range", "bytes=0-1,50-52")]), port: sluice.port)
            #expect(multi.status == .partialContent)
            let type = try #require(multi.header("Content-Type"))
            #expect(type.hasPrefix("multipart/byteranges; boundary="))
            #expect(multi.bodyString.contains("Content-Range: bytes 0-1/100\r\n\r\n01\r\n"))
            #expect(multi.bodyString.contains("Content-Range: bytes 50-52/100\r\n\r\n012\r\n"))
            #expect(Int(multi.header("Content-Length") ?? "") == multi.body.readableBytes)
            let unsatisfiable = try await TestHTTPClient.request(
                TestHTTPRequest("/digits.txt", headers: [("Range", "bytes=200-300")]), port: sluice.port)
            #expect(unsatisfiable.status == .rangeNotSatisfiable)
            #expect(unsatisfiable.header("Content-Range") == "bytes */100")
        }
    }

    @Test func directoriesIndexesAndListings() async throws {
        try await TestSluice.with(config: config) { sluice in
            let redirect = try await TestHTTPClient.request(TestHTTPRequest("/site?x=1"), port: sluice.port)
            #expect(redirect.status == .movedPermanently)
            #expect(redirect.header("Location") == "/site/?x=1")
            let index = try await TestHTTPClient.request(TestHTTPRequest("/site/"), port: sluice.port)
            #expect(index.status == .ok && index.bodyString == "<h1>index</h1>")
            let listing = try await TestHTTPClient.request(TestHTTPRequest("/files/"), port: sluice.port)
            #expect(listing.status == .ok)
            #expect(listing.bodyString.contains("a &lt;b&gt;&amp;.txt"))
            #expect(!listing.bodyString.contains(".hidden"))
            let unlisted = try await TestHTTPClient.request(TestHTTPRequest("/site/../"), port: sluice.port)
            #expect(unlisted.status == .forbidden)
        }
    }

    @Test(arguments: [
        // `..` above the root stays at the root: /../outside.txt is /outside.txt, which does not exist.
        ("/../outside.txt", 404), ("/%2e%2e/outside.txt", 404), ("/files/..%2f..%2foutside.txt", 404),
        ("/hello.txt%00.png", 400), ("/missing", 404), ("/secret.php", 403), ("/escape.txt", 403), ("/a%zz", 400),
    ])
    func traversalAndRefusals(_ target: String, _ status: Int) async throws {
        try await TestSluice.with(config: config) { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest(target), port: sluice.port)
            #expect(Int(response.status.code) == status, "\(target)")
            #expect(!response.bodyString.contains("outside"))
        }
    }

    @Test func methodsOtherThanGetHeadPostAreRefused() async throws {
        try await TestSluice.with(config: config) { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest(.DELETE, "/hello.txt"), port: sluice.port)
            #expect(response.status == .methodNotAllowed)
            #expect(response.header("Allow")?.contains("GET") == true)
        }
    }
}
