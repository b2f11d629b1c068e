import Testing

@testable import SluiceCore

/// Hashes made at development time by independent tools (`htpasswd` 2.4.71 from apache2-utils,
/// `openssl passwd` 3.0, Python's `crypt` on libxcrypt), so each format is checked against another
/// implementation, not against itself.
@Suite("Password hashes")
struct PasswordHashTests {
    /// `openssl passwd -apr1 -salt SALT PASSWORD`, around the 16-byte and bit-length loops.
    @Test(arguments: [
        ("abcdefgh", "", "L.PT565ESX4Tp2bqNs7Ie."),
        ("abcdefgh", "a", "G8IsPsylW5ROvIKsQMRG61"),
        ("abcdefgh", "secret", "h9FWgUz3n9YxylKLlR5SQ/"),
        ("abcdefgh", "0123456789abcde", "QlGd2GsJv61KgG4oQJeli/"),
        ("abcdefgh", "0123456789abcdef", "sxHfOFLANAYXeGF./FBFh."),
        ("abcdefgh", "0123456789abcdefg", "1EmOoQBtUQ/xoE6y2eLUr/"),
        ("abcdefgh", String(repeating: "x", count: 33), "5YkgR/.Nxu.IeFpunYPzQ."),
        ("abcdefgh", "pässwörd", "030j6I3f1zNCF9tihqdd11"),
        ("a", "", "lsAcX0kKaMIVmrCtUuk5b0"),
        ("a", "secret", "PtM1vJaZieHDFk40mKMu6/"),
        ("a", "0123456789abcdefg", "zNcJqxMW4ckd4C2f.ntE9."),
        ("a", "pässwörd", "2d01Xy0fbE0vXnDa5etP6/"),
        ("xy.Z/9", "a", "tLciZn0SPren0Y2.AOroK1"),
        ("xy.Z/9", "0123456789abcdef", "U2CM98ORk9IVz9QXniKeP/"),
        ("xy.Z/9", String(repeating: "x", count: 33), "8Cu0ln6Hq8sq1yPhQ.wdQ."),
    ])
    func apr1MatchesOpenSSL(salt: String, password: String, checksum: String) {
        let computed = APR1.checksum(password: password.utf8, salt: salt.utf8)
        #expect(String(decoding: computed, as: UTF8.self) == checksum)
        let stored = try? StoredPassword(htpasswdHash: "$apr1$\(salt)$\(checksum)".utf8)
        #expect(stored?.scheme == .apr1)
        #expect(stored?.verify(password.utf8) == true)
        #expect(stored?.verify((password + "x").utf8) == false)
    }

    /// Lines as `htpasswd -nb[B|m|s|2|5|d]`, `openssl passwd` and Python `crypt` printed them.
    @Test(arguments: [
        ("secret", "$2y$05$uOhI7wXWFJGrmNROtepYBu8L5HTkTCGVeqqt2tVn2Kp5Sn73AxU0K", StoredPassword.Scheme.crypt),
        ("secret", "$apr1$RSYk1OC9$iuBuVlLH9wQCvF4reLkJ50", .apr1),
        ("secret", "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", .sha1),
        ("secret", "$5$ScMcZqHLAdmJBxC6$gspRctBTuLm7iYLmyguOmJG82oLYs9J.UqGqFwWoC92", .crypt),
        (
            "secret",
            "$6$tNWlvNUDC4PZV1L0$V.MoyJ8cdCjpQ16muKsG9LQw/xoByIK2VPV8e1ySKwSoMwDkqVq0Ac/anTyh2VpNRw7yLW3dr1ibX1Ces7LcX0",
            .crypt
        ),
        ("secret", "GSugl0CwEaFgw", .crypt),
        ("secret", "abNANd1rDfiNc", .crypt),
        ("secret", "$1$saltsalt$9xy1btjgzLYfb7hivXtC//", .crypt),
        ("secret", "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA", .crypt),
        ("secret", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.pIKrLVkBX9/OvQMSygY1pWEVn72t6na", .crypt),
        ("secret", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.pIKrLVkBX9/OvQMSygY1pWEVn72t6na", .crypt),
        ("correct horse battery staple", "$2y$05$DEj.ZYTp339i5ptbrmD25eCVQvrhAYKMPuHhl9x/qLTyIM30PEW5y", .crypt),
        ("correct horse battery staple", "$apr1$6cZNaSX6$lcGvn9vTb93Q.d3fNo.Lx1", .apr1),
        ("correct horse battery staple", "{SHA}q/eq1kOINtvlJqojGr3i0O73TUI=", .sha1),
        ("correct horse battery staple", "$5$K3A9jTULpA8KlllB$oup1oeLnRfyknQsp.hZ58gZxnXlMvCrB8sUJQPZszE7", .crypt),
        (
            "correct horse battery staple",
            "$6$qvwYFlpPdpYPJbRQ$LYen8x803caq4ZJM3AikrsCxaexL0BC7ffLfvmXZFm644xSYqFry1YToJqWaM3BFelxhzGv6FXOpjJz3rEOaC0",
            .crypt
        ),
        ("pässwörd", "$2y$05$XT/u9f6EWoNck2dM9UauiOg8a35LbkqiTo8dogRkymLnTaH5eKCgW", .crypt),
        ("pässwörd", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VbkrrNItU.9NIb/IkEA2mwWrOjK5F3G", .crypt),
        ("pässwörd", "$apr1$yHf/BQ3R$x4Jyd0boaftLyRcLwUZc9.", .apr1),
        ("pässwörd", "{SHA}9Rfd8dMqES/xrVXGbRsSyzjn6Pc=", .sha1),
        ("pässwörd", "$5$LhnOXecqlsKpxtLI$cmENGCAhW83hNIsdAM0dIt4n0e7JdB02qDRLfxaVT17", .crypt),
        (
            "pässwörd",
            "$6$LnDqBvS2DbSaZAlj$a.SsomH2XOYuN5olkhQJU1Dxd8ThKaASoPj7zNqsWc3W.3arPC4tsIY9Kbb3oVGsGngIiip0LBfQB/fFA5l/T/",
            .crypt
        ),
    ])
    func htpasswdHashesVerify(password: String, hash: String, scheme: StoredPassword.Scheme) throws {
        let stored = try StoredPassword(htpasswdHash: hash.utf8)
        #expect(stored.scheme == scheme)
        #expect(stored.verify(password.utf8))
        #expect(!stored.verify((password + "!").utf8))
        #expect(!stored.verify(password.dropLast().utf8))
        #expect(!stored.verify([UInt8]()))
    }

    /// libxcrypt computes bcrypt here (Debian 12, libxcrypt 4.4.33): a `$2y$` hash made by Apache's
    /// own bcrypt verifies through `crypt_rn`.
    @Test func libxcryptSupportsBcrypt() {
        let hash = Array("$2y$05$uOhI7wXWFJGrmNROtepYBu8L5HTkTCGVeqqt2tVn2Kp5Sn73AxU0K".utf8)
        #expect(SystemCrypt.hash(password: "secret".utf8, setting: hash) == hash)
        #expect(SystemCrypt.hash(password: "secret".utf8, setting: "$2y$05$".utf8) == nil)
        #expect(SystemCrypt.hash(password: Array("sec\0ret".utf8), setting: hash) == nil)
    }

    /// Traditional DES uses only the first 8 bytes of the password, as crypt(3) always did.
    @Test func desCryptTruncatesAtEightBytes() throws {
        let stored = try StoredPassword(htpasswdHash: "abNANd1rDfiNc".utf8)
        #expect(stored.verify("secret".utf8))
        #expect(!stored.verify("secreT".utf8))
        let hash = try #require(SystemCrypt.hash(password: "12345678".utf8, setting: "ab".utf8))
        let eight = try StoredPassword(htpasswdHash: hash)
        #expect(eight.verify("12345678-and-more".utf8))
    }

    @Test(
        arguments: [
            ("secret", StoredPassword.FormatError.unrecognized),  // plain text is not accepted
            ("secretpassword", .unrecognized),  // 14 characters: not DES's 13
            ("secretpasswor", nil),  // 13 crypt-alphabet characters look like DES, as in lighttpd
            ("", .unrecognized),
            ("{SHA}", .malformedSHA1),
            ("{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ", .malformedSHA1),
            ("{SHA}Zm9v", .malformedSHA1),
            ("$apr1$", .malformedAPR1),
            ("$apr1$RSYk1OC9", .malformedAPR1),
            ("$apr1$RSYk1OC9$iuBuVlLH9wQCvF4reLkJ5", .malformedAPR1),
            ("$apr1$RSYk1OC9x$iuBuVlLH9wQCvF4reLkJ50", .malformedAPR1),
            ("$apr1$RSYk1OC9$iuBuVlLH9wQCvF4reLkJ5!", .malformedAPR1),
            ("$2y$05$uOhI7wXWFJGrmNROtepYBu8L5HTkTCGVeqqt2tVn2Kp5Sn73AxU0", .malformedBcrypt),
            ("$9$abcdefghijklmnop", .unrecognized),
            ("$1$", .unrecognized),
            ("GSugl0CwEaFg!", .unrecognized),
        ] as [(String, StoredPassword.FormatError?)])
    func htpasswdFieldsAreClassified(field: String, expected: StoredPassword.FormatError?) {
        do {
            _ = try StoredPassword(htpasswdHash: field.utf8)
            #expect(expected == nil, "\(field) should be refused")
        } catch {
            #expect(error == expected, "\(field)")
        }
    }

    @Test func plainTextComparesExactBytes() {
        let stored = StoredPassword(plainText: "s3cret".utf8)
        #expect(stored.scheme == .plainText)
        #expect(stored.verify("s3cret".utf8))
        #expect(!stored.verify("s3cre".utf8))
        #expect(!stored.verify("s3cret ".utf8))
        #expect(!stored.verify("S3cret".utf8))
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 0]))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
    }
}
