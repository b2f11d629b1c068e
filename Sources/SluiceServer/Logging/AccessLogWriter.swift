import Glibc
import Synchronization

/// Appends access-log lines to a file (`accesslog.filename`). Each line is one `write(2)` on an `O_APPEND`
/// descriptor, so lines from several event loops never interleave. `reopen` (SIGUSR1) swaps the descriptor
/// for log rotation; the lock only guards that swap and is uncontended in practice.
final class AccessLogWriter: Sendable {
    let path: String
    private let descriptor: Mutex<Int32>

    struct OpenError: Error, CustomStringConvertible {
        var description: String
    }

    init(path: String) throws(OpenError) {
        self.path = path
        descriptor = Mutex(try AccessLogWriter.open(path))
    }

    deinit {
        descriptor.withLock { fd in
            if fd >= 0 { _ = Glibc.close(fd) }
        }
    }

    private static func open(_ path: String) throws(OpenError) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OpenError(description: "cannot open access log \"\(path)\": \(String(cString: strerror(errno)))")
        }
        return fd
    }

    func write(_ line: [UInt8]) {
        descriptor.withLock { fd in
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { return }
                    offset += n
                }
            }
        }
    }

    /// Opens the file again (after rotation); keeps the old descriptor if that fails.
    func reopen() throws(OpenError) {
        let fresh = try AccessLogWriter.open(path)
        let old = descriptor.withLock { fd in
            let previous = fd
            fd = fresh
            return previous
        }
        _ = Glibc.close(old)
    }
}
