import SluiceCore
import Testing

@Suite("alias.url and path resolution")
struct AliasAndResolverTests {
    static func aliases() throws -> AliasTable {
        try AliasTable([
            "/static/": "/srv/static/",
            "/static/images/": "/srv/images/",
            "/doc": "/usr/share/doc",
            "/doc/private/": "/srv/private",
            "/x/": "/srv/x/",
        ])
    }

    /// (request path, root, relative). The longest prefix wins whatever the config order.
    @Test(arguments: [
        ("/static/a.css", "/srv/static", "/a.css"),
        ("/static/", "/srv/static", "/"),
        ("/static/images/logo.png", "/srv/images", "/logo.png"),
        ("/static/images/", "/srv/images", "/"),
        ("/static/imagesX/a", "/srv/static", "/imagesX/a"),
        ("/doc", "/usr/share/doc", ""),
        ("/doc/", "/usr/share/doc", "/"),
        ("/doc/readme", "/usr/share/doc", "/readme"),
        ("/doc/private/key", "/srv/private", "/key"),
        // A prefix without trailing slash matches whole segments only.
        ("/docs/readme", "/var/www", "/docs/readme"),
        ("/doc..", "/var/www", "/doc.."),
        ("/static", "/var/www", "/static"),
        ("/", "/var/www", "/"),
        // Traversal is gone before aliases are looked at: the normalised path decides.
        ("/static/../etc/passwd", "/var/www", "/etc/passwd"),
        ("/static/%2e%2e/%2e%2e/etc/passwd", "/var/www", "/etc/passwd"),
        ("/x/../static/a", "/srv/static", "/a"),
    ])
    func resolves(raw: String, root: String, relative: String) throws {
        let resolver = StaticPathResolver(documentRoot: "/var/www/", aliases: try Self.aliases())
        let physical = resolver.physicalPath(for: try RequestPath.normalize(raw))
        #expect(physical.root == root)
        #expect(physical.relative == relative)
        #expect(physical.path == root + relative)
        let reversed = try AliasTable(Self.aliases().entries.reversed())
        let again = StaticPathResolver(documentRoot: "/var/www", aliases: reversed)
            .physicalPath(for: try RequestPath.normalize(raw))
        #expect(again == physical)
    }

    @Test func rootDirectoryDocumentRoot() throws {
        let physical = StaticPathResolver(documentRoot: "/").physicalPath(for: try RequestPath.normalize("/etc/x"))
        #expect(physical.path == "/etc/x")
    }

    @Test func aliasTableRefusesMistakes() {
        #expect(throws: AliasTableError.self) { try AliasTable(["static/": "/srv/"]) }
        #expect(throws: AliasTableError.self) { try AliasTable(["/static/": "srv/"]) }
        do {
            _ = try AliasTable([
                AliasTable.Entry(urlPrefix: "/a/", directory: "/x/"),
                AliasTable.Entry(urlPrefix: "/a/", directory: "/y/"),
            ])
            Issue.record("a duplicate prefix was accepted")
        } catch {
            #expect(error.index == 1)
            #expect(error.message.contains("twice"))
        }
    }

    static let tree = MemoryFileSystem([
        "/srv/www/index.html": .file(size: 10, modified: 0),
        "/srv/www/inside-link": .link("/srv/www/index.html"),
        "/srv/www/relative-inside": .link("sub/../index.html"),
        "/srv/www/escape": .link("/etc/passwd"),
        "/srv/www/relative-escape": .link("../../etc/passwd"),
        "/srv/www/dir-escape": .link("/etc"),
        "/srv/www/sibling": .link("/srv/www-private/secret"),
        "/srv/www/sub/file": .file(size: 1, modified: 0),
        "/srv/www-private/secret": .file(size: 1, modified: 0),
        "/etc/passwd": .file(size: 100, modified: 0),
        "/link-root": .link("/srv/www"),
    ])

    /// (document root, request path, follow-symlink, refusal or nil)
    @Test(arguments: [
        ("/srv/www", "/index.html", true, PathRefusal?.none),
        ("/srv/www", "/inside-link", true, nil),
        ("/srv/www", "/relative-inside", true, nil),
        ("/srv/www", "/escape", true, .outsideRoot),
        ("/srv/www", "/relative-escape", true, .outsideRoot),
        ("/srv/www", "/dir-escape/passwd", true, .outsideRoot),
        ("/srv/www", "/sibling", true, .outsideRoot),  // "/srv/www-private" starts with "/srv/www"
        ("/srv/www", "/missing", true, nil),  // the stat that follows says 404
        ("/srv/www", "/index.html", false, nil),
        ("/srv/www", "/inside-link", false, .symlinkForbidden),
        ("/srv/www", "/dir-escape/passwd", false, .symlinkForbidden),
        ("/srv/www", "/sub/file", false, nil),
        // A root reached through a link is fine; links below it are what the option is about.
        ("/link-root", "/index.html", false, nil),
        ("/link-root", "/index.html", true, nil),
        ("/link-root", "/escape", true, .outsideRoot),
    ])
    func containment(root: String, raw: String, follow: Bool, refusal: PathRefusal?) throws {
        let resolver = StaticPathResolver(documentRoot: root)
        let physical = resolver.physicalPath(for: try RequestPath.normalize(raw))
        #expect(resolver.checkContainment(physical, followSymlinks: follow, fileSystem: Self.tree) == refusal)
    }
}
