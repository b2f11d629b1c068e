import SluiceCore
import Testing

@Suite("Authorization: Basic")
struct BasicCredentialsTests {
    @Test(arguments: [
        ("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame"),  // RFC 7617 §2
        ("basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame"),
        ("BASIC QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame"),
        ("Basic   QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame"),  // 1*SP
        ("  Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\t ", "Aladdin", "open sesame"),  // stray OWS around the value
        ("Basic YWxpY2U6cMOkc3N3w7ZyZA==", "alice", "pässwörd"),
        ("Basic YWxpY2U6cGE6c3M=", "alice", "pa:ss"),  // split at the first colon
        ("Basic YWxpY2U6", "alice", ""),
        ("Basic Og==", "", ""),
    ])
    func wellFormed(header: String, user: String, password: String) {
        #expect(
            BasicCredentials.parse(authorization: header)
                == .credentials(BasicCredentials(user: user, password: Array(password.utf8)))
        )
    }

    @Test(arguments: [
        ("", BasicCredentials.Malformation.empty),
        ("   ", .empty),
        ("Basic", .missingToken),
        ("Basic    ", .missingToken),
        ("BasicQWxhZGRpbjpvcGVuIHNlc2FtZQ==", .missingSpace),
        ("Basic\tQWxhZGRpbjpvcGVuIHNlc2FtZQ==", .missingSpace),
        ("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ", .invalidBase64),  // padding required
        ("Basic QWxhZGRpbjpvcGVuIHNlc2FtZR==", .invalidBase64),  // non-zero unused bits
        ("Basic QWxh ZGRp", .invalidBase64),  // two tokens
        ("Basic QWxhZGRp,bjpv", .invalidBase64),
        ("Basic realm=\"x\"", .invalidBase64),  // auth-params are not token68
        ("Basic YWxpY2U=", .missingColon),
        ("Basic YWzpOng=", .invalidUTF8),  // "al\u{E9}:x" in Latin-1
        ("Basic YWxpY2U6eP8=", .invalidUTF8),  // password byte 0xFF
        ("Basic YWxpY2U6YQBi", .controlCharacter),  // NUL in the password
        ("Basic YWxpY2U6YX9i", .controlCharacter),  // DEL
        ("Basic " + String(repeating: "QUFB", count: 342), .tooLong),  // 1368 characters
    ])
    func malformed(header: String, expected: BasicCredentials.Malformation) {
        #expect(BasicCredentials.parse(authorization: header) == .malformed(expected))
    }

    @Test(arguments: ["Bearer abc.def", "Digest username=\"a\"", "Basi QWxh", "Negotiate YWJj", "B"])
    func otherSchemes(header: String) {
        #expect(BasicCredentials.parse(authorization: header) == .otherScheme)
    }

    /// The longest accepted token decodes to 1023 bytes, lighttpd's limit.
    @Test func longestTokenIsAccepted() {
        let userAndPassword = Array("u:".utf8) + [UInt8](repeating: UInt8(ascii: "p"), count: 1021)
        let header = "Basic " + Base64.encode(userAndPassword)
        guard case .credentials(let credentials) = BasicCredentials.parse(authorization: header) else {
            Issue.record("expected credentials")
            return
        }
        #expect(credentials.password.count == 1021)
    }

    @Test func worksOnRawBytes() {
        let header: [UInt8] = Array("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".utf8)
        #expect(
            BasicCredentials.parse(authorization: header[...])
                == .credentials(BasicCredentials(user: "Aladdin", password: Array("open sesame".utf8)))
        )
    }

    @Test func descriptionHidesThePassword() {
        let credentials = BasicCredentials(user: "alice", password: Array("hunter2".utf8))
        #expect(!"\(credentials)".contains("hunter2"))
        #expect("\(credentials)".contains("alice"))
    }
}
