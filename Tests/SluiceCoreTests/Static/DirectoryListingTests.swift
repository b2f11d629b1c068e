import SluiceCore
import Testing

@Suite("Directory listings")
struct DirectoryListingTests {
    static func file(_ name: String, size: Int64 = 10, modified: Int64 = 1_700_000_000) -> DirectoryEntry {
        DirectoryEntry(name: name, status: FileStatus(kind: .regular, size: size, modificationSeconds: modified))
    }

    static func directory(_ name: String) -> DirectoryEntry {
        DirectoryEntry(name: name, status: FileStatus(kind: .directory, size: 4096, modificationSeconds: 0))
    }

    static func render(_ entries: [DirectoryEntry], at path: String = "/files/", hide: Bool = true) throws -> String {
        String(
            decoding: DirectoryListing.render(
                urlPath: try RequestPath.normalize(path), entries: entries, hideDotfiles: hide),
            as: UTF8.self)
    }

    /// The rows' link targets, in page order.
    static func links(_ html: String) -> [String] {
        html.split(separator: "<a href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test func sortsDirectoriesFirstThenByName() throws {
        let html = try Self.render([
            Self.file("b.txt"), Self.directory("zeta"), Self.file("B.txt"), Self.file("a.txt"), Self.directory("alpha"),
            Self.file("é.txt"), Self.file("10.txt"), Self.file("9.txt"),
        ])
        #expect(
            Self.links(html) == ["../", "alpha/", "zeta/", "10.txt", "9.txt", "B.txt", "a.txt", "b.txt", "%C3%A9.txt"])
    }

    @Test func rowsShowNameDateAndSize() throws {
        let html = try Self.render([
            Self.file("report.pdf", size: 1_258_291, modified: 1_700_000_000), Self.directory("sub"),
        ])
        #expect(
            html.contains(
                "<tr><td><a href=\"report.pdf\">report.pdf</a></td><td>2023-Nov-14 22:13:20</td>"
                    + "<td class=\"s\">1.2M</td></tr>"
            ))
        #expect(
            html.contains(
                "<tr><td><a href=\"sub/\">sub/</a></td><td>1970-Jan-01 00:00:00</td><td class=\"s\">-</td></tr>"))
        #expect(html.contains("<title>Index of /files/</title>"))
        #expect(html.contains("<h1>Index of /files/</h1>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<style>"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test func escapesNamesInTextAndLinks() throws {
        let html = try Self.render([
            Self.file("<script>alert(1)</script>"), Self.file("100% & \"more\" 'x'.txt"), Self.file("a b#c?d.txt"),
            Self.file("naïve 文件.txt"), Self.file("x:y"),
            DirectoryEntry(name: [0x62, 0x61, 0x64, 0xFF, 0x0A], status: Self.file("x").status),
        ])
        #expect(!html.contains("<script>"))
        #expect(
            html.contains(
                "<a href=\"%3Cscript%3Ealert%281%29%3C%2Fscript%3E\">&lt;script&gt;alert(1)&lt;/script&gt;</a>"))
        #expect(
            html.contains(
                "<a href=\"100%25%20%26%20%22more%22%20%27x%27.txt\">100% &amp; &quot;more&quot; &#39;x&#39;.txt</a>"))
        #expect(html.contains("<a href=\"a%20b%23c%3Fd.txt\">a b#c?d.txt</a>"))
        #expect(html.contains("<a href=\"na%C3%AFve%20%E6%96%87%E4%BB%B6.txt\">naïve 文件.txt</a>"))
        #expect(html.contains("<a href=\"x%3Ay\">x:y</a>"))
        // Bytes that are not UTF-8 keep their link; the text shows U+FFFD, a control character too.
        #expect(html.contains("<a href=\"bad%FF%0A\">bad\u{FFFD}\u{FFFD}</a>"))
    }

    @Test func escapesTheTitle() throws {
        let html = try Self.render([], at: "/a%3Cb%3E%26/")
        #expect(html.contains("<title>Index of /a&lt;b&gt;&amp;/</title>"))
    }

    @Test func hidesDotfilesWhenAsked() throws {
        let entries = [
            Self.file(".htaccess"), Self.directory(".git"), Self.file("visible"), Self.file("."), Self.file(".."),
        ]
        #expect(Self.links(try Self.render(entries)) == ["../", "visible"])
        #expect(Self.links(try Self.render(entries, hide: false)) == ["../", ".git/", ".htaccess", "visible"])
    }

    @Test func noParentLinkAtTheTop() throws {
        #expect(Self.links(try Self.render([Self.file("a")], at: "/")) == ["a"])
    }

    @Test func entriesWithoutStatus() throws {
        let html = try Self.render([DirectoryEntry(name: "dangling", status: nil)])
        #expect(html.contains("<tr><td><a href=\"dangling\">dangling</a></td><td></td><td class=\"s\">-</td></tr>"))
    }

    /// (bytes, shown)
    @Test(arguments: [
        (Int64(0), "0"), (1, "1"), (1023, "1023"), (1024, "1.0K"), (1229, "1.2K"), (1280, "1.3K"),
        (10_188, "9.9K"), (10_240, "10K"), (35_000, "34K"), (1_048_063, "1023K"), (1_048_575, "1.0M"),
        (1_048_576, "1.0M"), (3_565_158, "3.4M"), (5_368_709_120, "5.0G"), (1_099_511_627_776, "1.0T"),
        (Int64.max, "8.0E"), (-5, "0"),
    ])
    func humanSizes(bytes: Int64, shown: String) {
        #expect(HumanSize.format(bytes) == shown)
    }
}
