/// Apache's `$apr1$SALT$CHECKSUM` password hash (`htpasswd -m`, Apache's historical default):
/// Poul-Henning Kamp's FreeBSD MD5-crypt with the magic string `$apr1$` in place of `$1$`.
///
/// The salt is at most 8 characters and the checksum is 22 characters of the crypt alphabet
/// `./0-9A-Za-z`. Written from the published algorithm; checked against `openssl passwd -apr1`.
enum APR1 {
    static let magic: [UInt8] = Array("$apr1$".utf8)
    static let maximumSaltLength = 8
    static let checksumLength = 22
    /// Rounds of MD5 after the initial digest, fixed by the algorithm.
    private static let rounds = 1000

    /// The 22-character checksum (the part after the salt's `$`) for `password` and `salt`.
    static func checksum(password: some Collection<UInt8>, salt: some Collection<UInt8>) -> [UInt8] {
        let password = Array(password)
        let salt = Array(salt.prefix(maximumSaltLength))
        var md5 = MD5()
        var digest = [UInt8](repeating: 0, count: MD5.digestByteCount)

        // Alternate sum: MD5(password + salt + password).
        md5.update(password)
        md5.update(salt)
        md5.update(password)
        md5.finalize(into: &digest)

        md5.update(password)
        md5.update(magic)
        md5.update(salt)
        var remaining = password.count
        while remaining > 0 {
            md5.update(digest.prefix(min(MD5.digestByteCount, remaining)))
            remaining -= MD5.digestByteCount
        }
        // For each bit of the length, low bit first: a zero byte for a 1 bit, the password's first
        // byte for a 0 bit (the original cleared its digest buffer first, hence the zero).
        var length = password.count
        while length != 0 {
            md5.update(length & 1 != 0 ? [0] : [password[0]])
            length >>= 1
        }
        md5.finalize(into: &digest)

        for round in 0..<rounds {
            if round & 1 != 0 { md5.update(password) } else { md5.update(digest) }
            if round % 3 != 0 { md5.update(salt) }
            if round % 7 != 0 { md5.update(password) }
            if round & 1 != 0 { md5.update(digest) } else { md5.update(password) }
            md5.finalize(into: &digest)
        }

        var encoded: [UInt8] = []
        encoded.reserveCapacity(checksumLength)
        for (first, second, third) in [(0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)] {
            let group = UInt32(digest[first]) << 16 | UInt32(digest[second]) << 8 | UInt32(digest[third])
            appendCryptBase64(group, characters: 4, to: &encoded)
        }
        appendCryptBase64(UInt32(digest[11]), characters: 2, to: &encoded)
        return encoded
    }

    /// crypt(3)'s base64: alphabet `./0-9A-Za-z`, least significant 6 bits first.
    private static func appendCryptBase64(_ value: UInt32, characters: Int, to output: inout [UInt8]) {
        var value = value
        for _ in 0..<characters {
            output.append(cryptAlphabetCharacter(UInt8(value & 63)))
            value >>= 6
        }
    }

    private static func cryptAlphabetCharacter(_ sextet: UInt8) -> UInt8 {
        switch sextet {
        case 0...1: UInt8(ascii: ".") + sextet
        case 2...11: UInt8(ascii: "0") + sextet - 2
        case 12...37: UInt8(ascii: "A") + sextet - 12
        default: UInt8(ascii: "a") + sextet - 38
        }
    }

    /// Whether `byte` belongs to the crypt alphabet `./0-9A-Za-z`.
    static func isCryptAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
            true
        default:
            false
        }
    }
}
