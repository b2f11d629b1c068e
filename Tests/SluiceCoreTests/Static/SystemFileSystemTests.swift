import Foundation
import SluiceCore
import Testing

/// The same decisions on a real temporary directory with real symbolic links.
@Suite("Static files on the real file system")
struct SystemFileSystemTests {
    /// Builds `<tmp>/root` (the document root) and `<tmp>/outside`, runs `body`, removes both.
    static func withTree(_ body: (_ base: String) throws -> Void) throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-static-\(UUID().uuidString)").path
        let manager = FileManager.default
        defer { try? manager.removeItem(atPath: base) }
        try manager.createDirectory(atPath: base + "/root/sub", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: base + "/outside", withIntermediateDirectories: true)
        try Data("<h1>hi</h1>".utf8).write(to: URL(fileURLWithPath: base + "/root/index.html"))
        try Data("secret".utf8).write(to: URL(fileURLWithPath: base + "/outside/secret.txt"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: base + "/root/.hidden"))
        try manager.createSymbolicLink(atPath: base + "/root/out", withDestinationPath: base + "/outside/secret.txt")
        try manager.createSymbolicLink(
            atPath: base + "/root/out-relative", withDestinationPath: "../outside/secret.txt")
        try manager.createSymbolicLink(atPath: base + "/root/out-dir", withDestinationPath: "../outside")
        try manager.createSymbolicLink(atPath: base + "/root/in", withDestinationPath: "index.html")
        try manager.createSymbolicLink(atPath: base + "/root/dangling", withDestinationPath: "nowhere")
        try body(base)
    }

    static func decide(_ raw: String, root: String, follow: Bool = true) -> StaticFileDecision {
        var settings = StaticFileSettings()
        settings.followSymlinks = follow
        settings.directoryListing = true
        let decider = StaticFileDecider(resolver: StaticPathResolver(documentRoot: root), settings: settings)
        return decider.decide(rawPath: Array(raw.utf8), query: nil, fileSystem: SystemFileSystem())
    }

    @Test func symlinksOutOfTheRootAreRefused() throws {
        try Self.withTree { base in
            let root = base + "/root"
            #expect(Self.decide("/out", root: root) == .refuse(.outsideRoot))
            #expect(Self.decide("/out-relative", root: root) == .refuse(.outsideRoot))
            #expect(Self.decide("/out-dir/secret.txt", root: root) == .refuse(.outsideRoot))
            #expect(Self.decide("/out-dir/", root: root) == .refuse(.outsideRoot))
            #expect(Self.decide("/dangling", root: root) == .refuse(.notFound))
            #expect(Self.decide("/in", root: root, follow: false) == .refuse(.symlinkForbidden))
            guard case .serveFile(let target) = Self.decide("/in", root: root) else {
                Issue.record("a link inside the root was refused")
                return
            }
            #expect(target.status.size == 11)
            #expect(target.contentType == "application/octet-stream")
        }
    }

    @Test func filesDirectoriesAndListing() throws {
        try Self.withTree { base in
            let root = base + "/root"
            guard case .serveFile(let index) = Self.decide("/", root: root) else {
                Issue.record("no index")
                return
            }
            #expect(index.path == root + "/index.html")
            #expect(index.status.kind == .regular)
            #expect(index.status.stamp.inode != 0)
            #expect(Self.decide("/sub", root: root) == .redirect(location: "/sub/"))
            #expect(Self.decide("/missing", root: root) == .refuse(.notFound))
            #expect(Self.decide("/index.html/", root: root) == .refuse(.notFound))
            guard case .listDirectory(let listing) = Self.decide("/sub/", root: root) else {
                Issue.record("no listing")
                return
            }
            #expect(listing.physical.path == root + "/sub/")

            let entries = try SystemFileSystem().directoryEntries(root)
            let names = Set(entries.map { String(decoding: $0.name, as: UTF8.self) })
            #expect(names == ["index.html", "sub", ".hidden", "out", "out-relative", "out-dir", "in", "dangling"])
            #expect(entries.first { $0.name == Array("sub".utf8) }?.status?.kind == .directory)
            #expect(entries.first { $0.name == Array("in".utf8) }?.status?.kind == .regular)
            #expect(entries.first { $0.name == Array("dangling".utf8) }?.status == nil)
            #expect(try SystemFileSystem().linkStatus(root + "/in").kind == .symbolicLink)
            #expect(throws: FileSystemError.noEntry) { try SystemFileSystem().realPath(root + "/dangling") }
        }
    }
}
