import SluiceCore
import Testing

@Suite("Static file decisions")
struct StaticFileDecisionTests {
    static let tree = MemoryFileSystem([
        "/www/index.html": .file(size: 120, modified: 1_700_000_000),
        "/www/style.CSS": .file(size: 10, modified: 0),
        "/www/app.js": .file(size: 10, modified: 0),
        "/www/notes.txt": .file(size: 10, modified: 0),
        "/www/script.php": .file(size: 10, modified: 0),
        "/www/SCRIPT.PHP": .file(size: 10, modified: 0),
        "/www/secret.txt": .failing(.permissionDenied),
        "/www/broken": .failing(FileSystemError(errno: 5)),  // EIO
        "/www/fifo": .special,
        "/www/a dir/x": .file(size: 1, modified: 0),
        "/www/docs/index.htm": .file(size: 5, modified: 0),
        "/www/php/index.php": .file(size: 5, modified: 0),
        "/www/php/index.html": .file(size: 5, modified: 0),
        "/www/dirindex/index.html/inner": .file(size: 1, modified: 0),
        "/www/dirindex/index.htm": .file(size: 1, modified: 0),
        "/www/empty/.keep": .file(size: 0, modified: 0),
        "/www/locked/index.html": .failing(.permissionDenied),
        "/www/escaping/index.html": .link("/etc/passwd"),
        "/www/passwd-link": .link("/etc/passwd"),
        "/www/inner-link": .link("notes.txt"),
        "/www/evil.example/x": .file(size: 1, modified: 0),
        "/etc/passwd": .file(size: 1000, modified: 0),
        "/srv/assets/logo.png": .file(size: 3000, modified: 0),
    ])

    static func decider(
        listing: Bool = false, follow: Bool = true, exclude: [String] = [".php"], index: [String]? = nil
    ) throws -> StaticFileDecider {
        var settings = StaticFileSettings()
        settings.directoryListing = listing
        settings.followSymlinks = follow
        settings.excludeExtensions = exclude
        if let index { settings.indexFileNames = index }
        let aliases = try AliasTable(["/assets/": "/srv/assets/", "/aliased": "/www/docs"])
        return StaticFileDecider(
            resolver: StaticPathResolver(documentRoot: "/www", aliases: aliases), settings: settings)
    }

    static func decide(_ raw: String, query: String? = nil, _ decider: StaticFileDecider) -> StaticFileDecision {
        decider.decide(rawPath: Array(raw.utf8), query: query, fileSystem: tree)
    }

    /// (request path, file served, Content-Type)
    @Test(arguments: [
        ("/index.html", "/www/index.html", "text/html; charset=utf-8"),
        ("/", "/www/index.html", "text/html; charset=utf-8"),
        ("/style.CSS", "/www/style.CSS", "text/css; charset=utf-8"),
        ("/app.js", "/www/app.js", "text/javascript; charset=utf-8"),
        ("/notes.txt", "/www/notes.txt", "text/plain; charset=utf-8"),
        ("/docs/", "/www/docs/index.htm", "text/html; charset=utf-8"),
        ("/dirindex/", "/www/dirindex/index.htm", "text/html; charset=utf-8"),  // a directory named index.html
        ("/a%20dir/x", "/www/a dir/x", "application/octet-stream"),
        ("/inner-link", "/www/inner-link", "application/octet-stream"),
        ("/assets/logo.png", "/srv/assets/logo.png", "image/png"),
        ("/aliased/", "/www/docs/index.htm", "text/html; charset=utf-8"),
        ("/../index.html", "/www/index.html", "text/html; charset=utf-8"),
        ("/%2e%2e/%2e%2e/index.html", "/www/index.html", "text/html; charset=utf-8"),
        ("/assets/../index.html", "/www/index.html", "text/html; charset=utf-8"),
        ("//index.html", "/www/index.html", "text/html; charset=utf-8"),
    ])
    func serves(raw: String, file: String, contentType: String) throws {
        guard case .serveFile(let target) = Self.decide(raw, try Self.decider()) else {
            Issue.record("\(raw) was not served: \(Self.decide(raw, try Self.decider()))")
            return
        }
        #expect(target.path == file)
        #expect(target.contentType == contentType)
        #expect(target.status.kind == .regular)
        #expect(target.isIndex == raw.hasSuffix("/"))
    }

    /// (request path, status)
    @Test(arguments: [
        ("/missing.html", 404),
        ("/index.html/", 404),  // ENOTDIR: no PATH_INFO for static files
        ("/index.html/extra", 404),
        ("/secret.txt", 403),
        ("/broken", 500),
        ("/fifo", 403),
        ("/script.php", 403),
        ("/SCRIPT.PHP", 403),  // excluded extensions ignore case
        ("/locked/", 403),
        ("/escaping/", 403),  // an index file that is a link out of the root
        ("/passwd-link", 403),
        ("/empty/", 403),  // no index, listing off
        ("/a%00", 400),
        ("/a%zz", 400),
        ("/..%2findex.html", 404),
        ("/%C0%AE%C0%AE/etc/passwd", 400),
        ("/etc/passwd", 404),  // the document root's /etc, not the system's
    ])
    func refuses(raw: String, status: Int) throws {
        guard case .refuse(let refusal) = Self.decide(raw, try Self.decider()) else {
            Issue.record("\(raw) was not refused: \(Self.decide(raw, try Self.decider()))")
            return
        }
        #expect(refusal.status == status, "\(raw): \(refusal)")
    }

    /// (request path, query, Location)
    @Test(
        arguments: [
            ("/docs", nil, "/docs/"),
            ("/docs", "a=1&b=%20", "/docs/?a=1&b=%20"),
            ("/docs", "", "/docs/?"),
            ("/a%20dir", nil, "/a%20dir/"),
            ("/a dir", nil, "/a%20dir/"),
            ("/aliased", "x", "/aliased/?x"),
            ("/assets/../docs", nil, "/docs/"),
            // Never a network-path reference ("//evil.example/"), whatever the client sent.
            ("//evil.example", nil, "/evil.example/"),
            ("/./evil.example", nil, "/evil.example/"),
        ] as [(String, String?, String)])
    func redirectsDirectories(raw: String, query: String?, location: String) throws {
        #expect(Self.decide(raw, query: query, try Self.decider()) == .redirect(location: location))
    }

    @Test func listsWhenActivated() throws {
        let decision = Self.decide("/empty/", try Self.decider(listing: true))
        guard case .listDirectory(let target) = decision else {
            Issue.record("not listed: \(decision)")
            return
        }
        #expect(target.physical.path == "/www/empty/")
        #expect(target.urlPath.string == "/empty/")
        // With an index file, the index wins over the listing.
        guard case .serveFile = Self.decide("/docs/", try Self.decider(listing: true)) else {
            Issue.record("index not served")
            return
        }
    }

    @Test func indexNamesAreTriedInOrder() throws {
        let decision = Self.decide("/php/", try Self.decider(index: ["index.html", "index.php"]))
        guard case .serveFile(let target) = decision else {
            Issue.record("not served: \(decision)")
            return
        }
        #expect(target.path == "/www/php/index.html")
        // The first index found is the one: an excluded index.php is a 403, not a reason to look further
        // (lighttpd does the same).
        let excluded = Self.decide("/php/", try Self.decider(index: ["index.php", "index.html"]))
        #expect(excluded == .refuse(.excludedExtension))
        // Names that would leave the directory are skipped.
        let odd = Self.decide("/empty/", try Self.decider(index: ["../index.html", "/index.html", "..", ""]))
        #expect(odd == .refuse(.noIndex))
    }

    @Test func followSymlinkDisabled() throws {
        #expect(Self.decide("/inner-link", try Self.decider(follow: false)) == .refuse(.symlinkForbidden))
        guard case .serveFile = Self.decide("/notes.txt", try Self.decider(follow: false)) else {
            Issue.record("a plain file was refused")
            return
        }
    }

    @Test func encodedSlashesKeptForConditionsAreStillRefusedHere() throws {
        let path = try RequestPath.normalize("/docs%2Findex.htm", encodedSlash: .keepEncoded)
        #expect(
            try Self.decider().decide(path: path, query: nil, fileSystem: Self.tree)
                == .refuse(.encodedSlash(offset: 5)))
    }

    @Test func decidesFromANormalisedPath() throws {
        let decider = try Self.decider()
        let path = try RequestPath.normalize("/docs/")
        guard case .serveFile(let target) = decider.decide(path: path, query: nil, fileSystem: Self.tree) else {
            Issue.record("not served")
            return
        }
        #expect(target.path == "/www/docs/index.htm")
    }
}
