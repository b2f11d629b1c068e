#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds ports nobody listens on, for tests of tools that take fixed ports (e.g. `scripts/workers`).
/// Probing cannot reserve them; another process could take one before the tool does, which is unlikely in
/// the range used (30000–59999, below Linux's default ephemeral range).
enum FreePorts {
    /// A base port `P` such that `P+1 ... P+count` are all free on 127.0.0.1.
    static func base(forConsecutive count: Int) -> Int? {
        for _ in 0..<200 {
            let base = Int.random(in: 30000..<(60000 - count))
            if (1...count).allSatisfy({ isFree(base + $0) }) {
                return base
            }
        }
        return nil
    }

    /// Whether 127.0.0.1:`port` can be bound right now.
    static func isFree(_ port: Int) -> Bool {
        #if canImport(Glibc) || canImport(Musl)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}
