import Foundation
import LighttpdConfig
import SluiceCore
import Testing

@Suite("User files")
struct UserFileTests {
    static let htpasswd = [
        "# made with htpasswd 2.4",
        "alice:$2y$05$uOhI7wXWFJGrmNROtepYBu8L5HTkTCGVeqqt2tVn2Kp5Sn73AxU0K\r",
        "",
        "bob:$apr1$RSYk1OC9$iuBuVlLH9wQCvF4reLkJ50",
        "   ",
        "carol:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\r",
        "dave:secret",
        "no colon here",
        ":$apr1$RSYk1OC9$iuBuVlLH9wQCvF4reLkJ50",
        "alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=",
        "erin:$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1",
        "frank:{SHA}" + String(repeating: "A", count: 1100),
        "grace:$1$saltsalt$9xy1btjgzLYfb7hivXtC//",
    ].joined(separator: "\n")

    @Test func parsesLinesAndReportsBadOnes() {
        let file = UserFile(parsing: Self.htpasswd.utf8, path: "etc/users.htpasswd", backend: .htpasswd)
        #expect(file.userCount == 5)
        #expect(
            file.issues.map(\.description) == [
                "etc/users.htpasswd:7:6: error: unrecognized password hash (expected bcrypt \"$2y$\", \"{SHA}\", "
                    + "\"$apr1$\" or crypt(3); plain-text passwords need auth.backend = \"plain\")",
                "etc/users.htpasswd:8:1: error: expected \"user:password\"",
                "etc/users.htpasswd:9:1: error: empty user name",
                "etc/users.htpasswd:10:1: error: user \"alice\" is already defined on line 2; this line is ignored",
                "etc/users.htpasswd:12:1: error: line longer than 1024 bytes",
            ])
        #expect(file.issues.first?.location == SourceLocation(file: "etc/users.htpasswd", line: 7, column: 6))
    }

    @Test(arguments: [
        ("alice", "secret", true), ("bob", "secret", true), ("carol", "secret", true), ("erin", "secret", true),
        ("grace", "secret", true),
        ("alice", "secret\r", false), ("alice", "Secret", false), ("bob", "", false),
        ("dave", "secret", false),  // its plain-text line was refused
        ("nobody", "secret", false), ("Alice", "secret", false), ("", "secret", false),
    ])
    func verifies(user: String, password: String, expected: Bool) {
        let file = UserFile(parsing: Self.htpasswd.utf8, path: "users", backend: .htpasswd)
        #expect(file.verify(user: user, password: password) == expected)
    }

    @Test func plainBackend() {
        let text = "# plain\nalice:open sesame\r\nbob:pa:ss\ncarol:\n\u{E9}mile:caf\u{E9}\n"
        let file = UserFile(parsing: text.utf8, path: "plain.user", backend: .plain)
        #expect(file.userCount == 3)
        #expect(file.verify(user: "alice", password: "open sesame"))
        #expect(!file.verify(user: "alice", password: "open sesame\r"))
        #expect(file.verify(user: "bob", password: "pa:ss"))
        #expect(!file.verify(user: "carol", password: ""))
        #expect(file.verify(user: "\u{E9}mile", password: "caf\u{E9}"))
        // Canonically equivalent but different bytes ("e" + combining acute): lighttpd compares bytes.
        #expect(!file.verify(user: "e\u{301}mile", password: "caf\u{E9}"))
        #expect(
            file.issues.map(\.description) == [
                "plain.user:4:7: error: empty password (a user with no password would let anyone in)"
            ])
    }

    @Test func byteOrderMarkIsSkipped() {
        let file = UserFile(parsing: [0xEF, 0xBB, 0xBF] + Array("alice:x\r\n".utf8), path: "p", backend: .plain)
        #expect(file.contains(user: "alice"))
        #expect(file.verify(user: "alice", password: "x"))
    }

    @Test func lastLineWithoutNewlineAndLoneCR() {
        let file = UserFile(parsing: "\r\nalice:x\r".utf8, path: "p", backend: .plain)
        #expect(file.issues.isEmpty)
        #expect(file.verify(user: "alice", password: "x"))
    }

    @Test func loadsFromDiskAndNoticesReplacement() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-auth-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("users").path
        try Data("alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n".utf8).write(to: URL(fileURLWithPath: path))

        let file = try UserFile.load(path: path, backend: .htpasswd)
        #expect(file.stamp != nil)
        #expect(file.stamp == FileStamp.current(path: path))
        #expect(file.verify(user: "alice", password: "secret"))
        #expect(!file.hasChangedOnDisk())

        // Replace it the way htpasswd does: write a new file and rename it over the old one.
        let replacement = directory.appendingPathComponent("users.tmp").path
        try Data("bob:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n".utf8).write(to: URL(fileURLWithPath: replacement))
        #expect(rename(replacement, path) == 0)
        #expect(file.hasChangedOnDisk())
        let reloaded = try UserFile.load(path: path, backend: .htpasswd)
        #expect(reloaded.verify(user: "bob", password: "secret"))
        #expect(!reloaded.verify(user: "alice", password: "secret"))
        #expect(file.verify(user: "alice", password: "secret"), "the old value is untouched")

        try FileManager.default.removeItem(atPath: path)
        #expect(reloaded.hasChangedOnDisk())
    }

    @Test func unreadableFilesThrow() throws {
        let missing = "/nonexistent/sluice/users"
        #expect {
            try UserFile.load(path: missing, backend: .htpasswd)
        } throws: { error in
            (error as? UserFileError)?.description
                == "cannot open user file \"/nonexistent/sluice/users\": No such file or directory"
        }
        #expect {
            try UserFile.load(path: FileManager.default.temporaryDirectory.path, backend: .plain)
        } throws: { error in
            (error as? UserFileError)?.description.hasSuffix("is not a regular file") == true
        }
    }
}
