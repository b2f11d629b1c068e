/// The password half of one user-file line, parsed once at load so a request only hashes and compares.
///
/// htpasswd formats follow lighttpd's mod_authn_file: `{SHA}` + base64(SHA-1), `$apr1$` (Apache
/// MD5), and everything else through crypt(3) (bcrypt `$2y$`/`$2b$`/`$2a$`, `$1$`, `$5$`, `$6$`,
/// `$y$`, 13-character DES). Plain-text passwords are **not** accepted in htpasswd files: lighttpd
/// never compares them as text either (short fields never match, long ones go to crypt), and Apache
/// accepts them only on Windows and NetWare. A line that fits no format is reported at load time,
/// naming `auth.backend = "plain"` for users who meant plain text.
public struct StoredPassword: Sendable, Equatable {
    public enum Scheme: Sendable, Hashable {
        case sha1, apr1, crypt, plainText
    }

    private enum Storage: Sendable, Equatable {
        case sha1(digest: [UInt8])
        case apr1(salt: [UInt8], checksum: [UInt8])
        case crypt(hash: [UInt8])
        case plainText([UInt8])
    }

    private let storage: Storage

    public var scheme: Scheme {
        switch storage {
        case .sha1: .sha1
        case .apr1: .apr1
        case .crypt: .crypt
        case .plainText: .plainText
        }
    }

    /// A password from an `auth.backend.plain.userfile` line, compared as bytes.
    public init(plainText: some Collection<UInt8>) {
        storage = .plainText(Array(plainText))
    }

    /// Parses the hash field of an htpasswd line (everything after the first `:`).
    public init(htpasswdHash field: some Collection<UInt8>) throws(FormatError) {
        let field = Array(field)
        if field.starts(with: Self.sha1Prefix) {
            guard let digest = Base64.decode(field.dropFirst(Self.sha1Prefix.count)),
                digest.count == SHA1.digestByteCount
            else { throw .malformedSHA1 }
            storage = .sha1(digest: digest)
        } else if field.starts(with: APR1.magic) {
            storage = try Self.parseAPR1(field.dropFirst(APR1.magic.count))
        } else if field.first == UInt8(ascii: "$") || field.first == UInt8(ascii: "_") {
            // Modular crypt format; lighttpd's crypt path also requires at least DES's 13 characters.
            guard field.count >= Self.desHashLength, SystemCrypt.recognizes(setting: field) else {
                throw .unrecognized
            }
            if Self.bcryptPrefixes.contains(where: { field.starts(with: $0) }), field.count != Self.bcryptHashLength {
                throw .malformedBcrypt
            }
            storage = .crypt(hash: field)
        } else if field.count == Self.desHashLength, field.allSatisfy(APR1.isCryptAlphabet) {
            storage = .crypt(hash: field)
        } else {
            throw .unrecognized
        }
    }

    /// Whether `password` is the one this entry was made from. Hash outputs and plain passwords are
    /// compared in constant time.
    public func verify(_ password: some Collection<UInt8>) -> Bool {
        switch storage {
        case .sha1(let digest):
            return ConstantTime.equals(SHA1.hash(password), digest)
        case .apr1(let salt, let checksum):
            return ConstantTime.equals(APR1.checksum(password: password, salt: salt), checksum)
        case .crypt(let hash):
            guard let computed = SystemCrypt.hash(password: password, setting: hash) else { return false }
            return ConstantTime.equals(computed, hash)
        case .plainText(let stored):
            return ConstantTime.equals(password, stored)
        }
    }

    private static let sha1Prefix: [UInt8] = Array("{SHA}".utf8)
    private static let bcryptPrefixes: [[UInt8]] = ["$2a$", "$2b$", "$2x$", "$2y$"].map { Array($0.utf8) }
    /// `$2y$NN$` + 22 characters of salt + 31 of checksum.
    private static let bcryptHashLength = 60
    private static let desHashLength = 13

    /// `SALT$CHECKSUM` after `$apr1$`: a salt of at most 8 characters (lighttpd and Apache stop there)
    /// and exactly 22 checksum characters.
    private static func parseAPR1(_ rest: ArraySlice<UInt8>) throws(FormatError) -> Storage {
        guard let dollar = rest.firstIndex(of: UInt8(ascii: "$")) else { throw .malformedAPR1 }
        let salt = rest[..<dollar]
        let checksum = rest[(dollar + 1)...]
        guard salt.count <= APR1.maximumSaltLength,
            checksum.count == APR1.checksumLength,
            checksum.allSatisfy(APR1.isCryptAlphabet)
        else { throw .malformedAPR1 }
        return .apr1(salt: Array(salt), checksum: Array(checksum))
    }
}

extension StoredPassword {
    /// Why an htpasswd hash field was refused; `message` is meant for a `FILE:LINE:COL: error:` line.
    public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable {
            case unrecognized, malformedSHA1, malformedAPR1, malformedBcrypt
        }

        private let code: Code

        public static let unrecognized = FormatError(code: .unrecognized)
        public static let malformedSHA1 = FormatError(code: .malformedSHA1)
        public static let malformedAPR1 = FormatError(code: .malformedAPR1)
        public static let malformedBcrypt = FormatError(code: .malformedBcrypt)

        public var message: String {
            switch code {
            case .unrecognized:
                "unrecognized password hash (expected bcrypt \"$2y$\", \"{SHA}\", \"$apr1$\" or crypt(3); "
                    + "plain-text passwords need auth.backend = \"plain\")"
            case .malformedSHA1:
                "malformed \"{SHA}\" hash (expected base64 of a 20-byte SHA-1 digest)"
            case .malformedAPR1:
                "malformed \"$apr1$\" hash (expected $apr1$SALT$ with at most 8 salt characters and 22 hash characters)"
            case .malformedBcrypt:
                "malformed bcrypt hash (expected 60 characters, e.g. $2y$05$ followed by 53 characters)"
            }
        }

        public var description: String { message }
    }
}
