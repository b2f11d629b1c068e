import SluiceCore
import Testing

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// Messages of `count` bytes `(i * 7 + 3) & 0xff`, around the 55/56/64-byte padding edges.
private func patterned(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
}

@Suite("SHA-1 and MD5")
struct DigestTests {
    /// FIPS 180-2 appendix A (and the empty string), plus padding edges checked with Python's hashlib.
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "a49b2446a02c645bf419f995b67091253a04a259"
        ),
    ])
    func sha1Vectors(message: String, digest: String) {
        #expect(hex(SHA1.hash(message.utf8)) == digest)
    }

    @Test(arguments: [
        (55, "ddf57317ef34bfee3b6df83d359098930eb278bc"),
        (56, "a0d492bb0fc889d0eca3bc137066ab6f4f74f369"),
        (63, "c55856749bef509bdfe6bfebfc7bf4e793e82132"),
        (64, "bede92be29c3874e1b54ddc77988d606fc857a8e"),
        (65, "b05a80522b053d6dc7e0a517d0e70212c7dad11f"),
        (119, "504e27376a6e0f0dba8295b85cb25dc4dfa17d23"),
        (120, "82134b02fb3f702491be9bed581eeab59334acb2"),
    ])
    func sha1PaddingEdges(count: Int, digest: String) {
        #expect(hex(SHA1.hash(patterned(count))) == digest)
    }

    @Test func sha1MillionAsInPieces() {
        var hasher = SHA1()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hex(hasher.finalize()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// The RFC 1321 appendix A.5 test suite.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        (
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a"
        ),
    ])
    func md5Vectors(message: String, digest: String) {
        #expect(hex(MD5.hash(message.utf8)) == digest)
    }

    @Test(arguments: [
        (55, "52c0e574e1198de5fe3f8f11440dcb1b"),
        (56, "46c9907fc908ee68b1e7b8e71286a518"),
        (63, "a62f6d59e837867693f042f5b8f5a236"),
        (64, "7160b8fb5e9e4023d549c3971fbaeead"),
        (65, "70bd662e7aefbda85a0f7244167b7897"),
        (119, "e84905d4214f4d1ca56c2cdcc152b143"),
        (120, "e3eb5a6c8669ea01a8c185b8abc8a5dc"),
    ])
    func md5PaddingEdges(count: Int, digest: String) {
        #expect(hex(MD5.hash(patterned(count))) == digest)
    }

    /// Splitting the input anywhere gives the same digest, and a finalized hasher starts over.
    @Test func incrementalUpdatesMatchOneShot() {
        let message = patterned(200)
        for split in [0, 1, 55, 63, 64, 65, 127, 128, 199, 200] {
            var sha1 = SHA1()
            sha1.update(message[..<split])
            sha1.update(message[split...])
            #expect(sha1.finalize() == SHA1.hash(message), "split \(split)")
            #expect(sha1.finalize() == SHA1.hash([]), "reset after finalize")

            var md5 = MD5()
            md5.update(message[..<split])
            md5.update(message[split...])
            #expect(md5.finalize() == MD5.hash(message), "split \(split)")
            #expect(md5.finalize() == MD5.hash([]), "reset after finalize")
        }
    }

    @Test func md5MillionAsInPieces() {
        var hasher = MD5()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 999)
        for _ in 0..<1001 { hasher.update(chunk[..<(999)]) }
        hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000 - 999 * 1001))
        #expect(hex(hasher.finalize()) == "7707d6ae4e027c70eea2a935c2296f21")
    }
}
