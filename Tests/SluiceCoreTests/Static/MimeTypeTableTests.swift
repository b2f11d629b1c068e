import SluiceCore
import Testing

@Suite("mimetype.assign")
struct MimeTypeTableTests {
    static let configured = MimeTypeTable(assignments: [
        (".gz", "application/gzip"),
        (".tar.gz", "application/x-gtar-compressed"),
        ("", "text/plain"),
        ("README", "text/markdown"),
        (".html", "text/html"),
        ("html", "text/x-bare"),
        (".a-very-long-suffix-indeed.txt", "text/x-long"),
        (".txt", "text/plain; charset=utf-8"),
    ])

    /// (path, type): the longest matching suffix wins, whatever the order given.
    @Test(arguments: [
        ("/x/archive.tar.gz", "application/x-gtar-compressed"),
        ("/x/archive.gz", "application/gzip"),
        ("/x/archive.TAR.GZ", "application/x-gtar-compressed"),
        ("/x/README", "text/markdown"),
        ("/x/NOTREADME", "text/markdown"),  // a suffix, not a name
        ("/x/index.html", "text/html"),
        ("/x/indexhtml", "text/x-bare"),
        ("/x/file.a-very-long-suffix-indeed.txt", "text/x-long"),
        ("/x/file.A-VERY-LONG-SUFFIX-INDEED.TXT", "text/x-long"),
        ("/x/other.txt", "text/plain; charset=utf-8"),
        ("/x/unknown.bin", "text/plain"),  // "" catches everything else
        ("", "text/plain"),
    ])
    func longestSuffixWins(path: String, type: String) {
        #expect(Self.configured.contentType(forPath: path) == type)
        let reversed = MimeTypeTable(
            assignments: Array(
                [
                    (".gz", "application/gzip"), (".tar.gz", "application/x-gtar-compressed"), ("", "text/plain"),
                    ("README", "text/markdown"), (".html", "text/html"), ("html", "text/x-bare"),
                    (".a-very-long-suffix-indeed.txt", "text/x-long"), (".txt", "text/plain; charset=utf-8"),
                ].reversed()))
        #expect(reversed.contentType(forPath: path) == type)
    }

    /// (path, built-in type)
    @Test(arguments: [
        ("/a.html", "text/html; charset=utf-8"), ("/a.css", "text/css; charset=utf-8"),
        ("/a.js", "text/javascript; charset=utf-8"), ("/a.mjs", "text/javascript; charset=utf-8"),
        ("/a.json", "application/json"), ("/a.svg", "image/svg+xml"), ("/a.png", "image/png"),
        ("/a.JPG", "image/jpeg"), ("/a.gif", "image/gif"), ("/a.webp", "image/webp"),
        ("/favicon.ico", "image/vnd.microsoft.icon"), ("/a.txt", "text/plain; charset=utf-8"),
        ("/a.xml", "application/xml"), ("/a.pdf", "application/pdf"), ("/a.wasm", "application/wasm"),
        ("/a.woff", "font/woff"), ("/a.woff2", "font/woff2"), ("/a.mp3", "audio/mpeg"), ("/a.mp4", "video/mp4"),
        ("/a.webm", "video/webm"), ("/a.zip", "application/zip"), ("/a.gz", "application/gzip"),
        ("/a.tar", "application/x-tar"), ("/noextension", "application/octet-stream"),
        ("/a.unknown", "application/octet-stream"), ("/html", "application/octet-stream"),
    ])
    func builtIn(path: String, type: String) {
        #expect(MimeTypeTable.builtIn.contentType(forPath: path) == type)
    }

    @Test func configuredTableReplacesTheBuiltInOne() {
        let table = MimeTypeTable.forConfig(assign: [(".png", "image/x-custom")])
        #expect(table.contentType(forPath: "/a.png") == "image/x-custom")
        #expect(table.contentType(forPath: "/a.html") == MimeTypeTable.defaultType)
        #expect(MimeTypeTable.forConfig(assign: nil).contentType(forPath: "/a.html") == "text/html; charset=utf-8")
        #expect(MimeTypeTable(assignments: [:]).match(Array("/a.html".utf8)) == nil)
    }

    @Test func worksOnNonContiguousPaths() {
        #expect(Self.configured.match("/a.tar.gz".utf8.lazy.map { $0 }) == "application/x-gtar-compressed")
    }
}
