import Glibc
import Logging
import Synchronization

/// The error log (`server.errorlog`, else standard error): one line per message,
/// `2026-11-21 10:00:00: (sluice) message [key=value ...]`, written with one `write(2)`.
public struct ErrorLogHandler: LogHandler {
    final class Destination: Sendable {
        let descriptor: Mutex<Int32>
        let path: String?

        init(descriptor: Int32, path: String?) {
            self.descriptor = Mutex(descriptor)
            self.path = path
        }

        func write(_ line: String) {
            var line = line
            descriptor.withLock { fd in
                line.withUTF8 { bytes in
                    _ = Glibc.write(fd, bytes.baseAddress, bytes.count)
                }
            }
        }

        func reopen() {
            guard let path else { return }
            let fresh = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard fresh >= 0 else { return }
            let old = descriptor.withLock { fd in
                defer { fd = fresh }
                return fd
            }
            _ = Glibc.close(old)
        }
    }

    private let destination: Destination
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public struct OpenError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Standard error.
    public static func standardError() -> ErrorLogHandler {
        ErrorLogHandler(destination: Destination(descriptor: 2, path: nil))
    }

    /// Appends to `path`.
    public static func file(_ path: String) throws(OpenError) -> ErrorLogHandler {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OpenError(description: "cannot open server.errorlog \"\(path)\": \(String(cString: strerror(errno)))")
        }
        return ErrorLogHandler(destination: Destination(descriptor: fd, path: path))
    }

    private init(destination: Destination) {
        self.destination = destination
    }

    /// SIGUSR1: reopen the log file after rotation.
    public func reopen() { destination.reopen() }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        let stamp = "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday)) "
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))"
        var line = "\(stamp): (sluice) \(event.level == .info || event.level == .notice ? "" : "\(event.level): ")\(event.message)"
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        if !all.isEmpty {
            line += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        destination.write(line + "\n")
    }
}
