import CCrypt

/// libxcrypt's re-entrant `crypt_rn`, for the htpasswd hashes Sluice does not implement itself:
/// bcrypt (`$2y$`, `$2b$`, `$2a$`), MD5-crypt (`$1$`), SHA-crypt (`$5$`, `$6$`), yescrypt (`$y$`) and
/// traditional DES crypt, exactly the set lighttpd's mod_authn_file hands to crypt(3).
///
/// Never plain `crypt`: its static buffer races between event loops. Each call allocates its own
/// `struct crypt_data` (32 KiB, too large for an event loop's stack), so any thread may call at any
/// time; the allocation is small next to the hash itself (bcrypt cost 5 ≈ 2 ms).
enum SystemCrypt {
    /// libxcrypt refuses longer passphrases (`CRYPT_MAX_PASSPHRASE_SIZE` counts the NUL).
    static let maximumPasswordLength = Int(CRYPT_MAX_PASSPHRASE_SIZE) - 1

    /// `crypt_rn(password, setting)`: the full hash string, or nil when libxcrypt rejects the setting
    /// (unknown method, bad salt or cost) or the password (contains NUL, too long).
    ///
    /// A stored hash is its own setting: it hashes to itself exactly when the password is right.
    static func hash(password: some Collection<UInt8>, setting: some Collection<UInt8>) -> [UInt8]? {
        guard password.count <= maximumPasswordLength, !password.contains(0), !setting.contains(0) else {
            return nil
        }
        var passwordCString = Array(password)
        passwordCString.append(0)
        var settingCString = Array(setting)
        settingCString.append(0)
        defer {
            // Best effort: Swift may have copied the bytes elsewhere, but this copy is ours to clear.
            passwordCString.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
        }

        let size = MemoryLayout<crypt_data>.size
        let data = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<crypt_data>.alignment)
        // libxcrypt requires the area zeroed before first use; zeroed again so no secret lingers.
        data.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        defer {
            data.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            data.deallocate()
        }

        let output: UnsafeMutablePointer<CChar>? = passwordCString.withUnsafeBufferPointer { phrase in
            settingCString.withUnsafeBufferPointer { setting in
                phrase.withMemoryRebound(to: CChar.self) { phrase in
                    setting.withMemoryRebound(to: CChar.self) { setting in
                        crypt_rn(phrase.baseAddress, setting.baseAddress, data, Int32(size))
                    }
                }
            }
        }
        guard let output else { return nil }
        let outputBytes = UnsafeRawPointer(output)
        var length = 0
        while length < Int(CRYPT_OUTPUT_SIZE), outputBytes.load(fromByteOffset: length, as: UInt8.self) != 0 {
            length += 1
        }
        return Array(UnsafeRawBufferPointer(start: outputBytes, count: length))
    }

    /// Whether libxcrypt knows the hashing method `setting` names (`crypt_checksalt`). It checks the
    /// method prefix, not the whole string, so callers also check the shape they expect.
    static func recognizes(setting: some Collection<UInt8>) -> Bool {
        guard !setting.contains(0) else { return false }
        var settingCString = Array(setting)
        settingCString.append(0)
        let status = settingCString.withUnsafeBufferPointer { setting in
            setting.withMemoryRebound(to: CChar.self) { crypt_checksalt($0.baseAddress) }
        }
        return status != CRYPT_SALT_INVALID
    }
}
