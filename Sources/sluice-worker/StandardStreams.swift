#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one line to stderr, for startup errors that scripts show to people.
func printToStandardError(_ line: String) {
    writeLine(line, to: STDERR_FILENO)
}

/// Writes one line to stdout at once, unbuffered: `scripts/workers` and the tests read the startup line
/// through a pipe, where `print` would sit in a block buffer.
func printLineAndFlush(_ line: String) {
    writeLine(line, to: STDOUT_FILENO)
}

private func writeLine(_ line: String, to descriptor: Int32) {
    var bytes = Array(line.utf8)
    bytes.append(UInt8(ascii: "\n"))
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return  // a closed pipe: nothing useful left to do
            }
        }
    }
}
