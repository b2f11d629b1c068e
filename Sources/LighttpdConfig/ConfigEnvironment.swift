#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What loading a config needs from the outside world: files for `include`, a shell for `include_shell`,
/// the environment for `env.*`, and `var.CWD` / `var.PID`. Injected so tests (and the fuzzer) run without
/// touching the machine.
public protocol ConfigEnvironment: Sendable {
    /// The text of a file, or a message saying why it cannot be read.
    func readFile(_ path: String) -> Result<String, ConfigEnvironmentError>
    /// The paths matching a shell glob, sorted; empty when none match.
    func glob(_ pattern: String) -> [String]
    /// The standard output of `/bin/sh -c command`, or why it failed (non-zero exit counts as failure).
    /// Runs `command` with `/bin/sh` in `directory` (the including file's, as lighttpd runs it in the
    /// config's directory) and returns its standard output.
    func runShell(_ command: String, in directory: String) -> Result<String, ConfigEnvironmentError>
    func environmentVariable(_ name: String) -> String?
    var currentDirectory: String { get }
    var processID: Int { get }
}

public struct ConfigEnvironmentError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// The real machine: POSIX calls only (no Foundation), so the config layer stays small.
public struct SystemConfigEnvironment: ConfigEnvironment {
    /// Config files larger than this are refused (lighttpd's limit is 32 MB too).
    public static let maximumFileSize = 32 * 1024 * 1024

    public init() {}

    public func readFile(_ path: String) -> Result<String, ConfigEnvironmentError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.init("cannot open \"\(path)\": \(Self.errnoText())")) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            return .failure(.init("\"\(path)\" is a directory"))
        }
        return Self.readAll(fd: fd, what: "\"\(path)\"")
    }

    public func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            if let p = result.gl_pathv[i] { paths.append(String(cString: p)) }
        }
        return paths.sorted()
    }

    public func runShell(_ command: String, in directory: String) -> Result<String, ConfigEnvironmentError> {
        // The directory, absolute, quoted for the shell ('...' with every ' written as '\''); no CDPATH, no
        // option parsing, and a cd that fails stops the script before the command runs.
        let absolute = directory.hasPrefix("/") ? directory : currentDirectory + "/" + directory
        let quoted = "'" + absolute.replacingAll("'", with: "'\\''") + "'"
        guard let pipe = popen("CDPATH= cd -P -- \(quoted) || exit 1\n\(command)", "r") else {
            return .failure(.init("cannot run \"\(command)\": \(Self.errnoText())"))
        }
        let output = Self.readAll(fd: fileno(pipe), what: "the output of \"\(command)\"")
        let status = pclose(pipe)
        if case .failure = output { return output }
        guard status == 0 else {
            let code = (status >> 8) & 0xFF
            return .failure(.init("\"\(command)\" exited with status \(code)"))
        }
        return output
    }

    public func environmentVariable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    public var currentDirectory: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var processID: Int { Int(getpid()) }

    private static func readAll(fd: Int32, what: String) -> Result<String, ConfigEnvironmentError> {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.init("cannot read \(what): \(errnoText())"))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maximumFileSize {
                return .failure(.init("\(what) is larger than \(maximumFileSize / 1024 / 1024) MB"))
            }
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation in this module).
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
