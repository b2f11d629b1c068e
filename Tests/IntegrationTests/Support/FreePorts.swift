#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Finds ports nobody listens on, for tests of tools that take fixed ports (e.g. `scripts/workers`).
/// Probing cannot reserve them; another process could take one before the tool does. To make that unlikely
/// the ports come from below the kernel's ephemeral range (`ip_local_port_range`, 32768–60999 by default),
/// where ports bound to 0 and outgoing connections, which parallel tests make by the thousand, never land.
enum FreePorts {
    /// The first port of the kernel's ephemeral range.
    static let ephemeralStart: Int = {
        #if os(Linux)
        let fd = open("/proc/sys/net/ipv4/ip_local_port_range", O_RDONLY)
        if fd >= 0 {
            defer { close(fd) }
            var bytes = [UInt8](repeating: 0, count: 64)
            let count = read(fd, &bytes, bytes.count)
            if count > 0, let first = String(decoding: bytes.prefix(count), as: UTF8.self)
                .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first, let start = Int(first)
            {
                return start
            }
        }
        #endif
        return 32768
    }()

    /// Ports already handed out in this process: tests run in parallel, and two of them probing the same free
    /// port before either binds it would both take it.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A base port `P` such that `P+1 ... P+count` are all free on 127.0.0.1 and were handed to no other test of
    /// this process.
    static func base(forConsecutive count: Int) -> Int? {
        let upper = max(10_100, ephemeralStart) - count
        for _ in 0..<200 {
            let base = Int.random(in: 10_000..<upper)
            let ports = (base + 1)...(base + count)
            let claimed = handedOut.withLock { taken -> Bool in
                guard ports.allSatisfy({ !taken.contains($0) }) else { return false }
                taken.formUnion(ports)
                return true
            }
            guard claimed else { continue }
            if ports.allSatisfy(isFree) { return base }
        }
        return nil
    }

    /// Whether 127.0.0.1:`port` can be bound right now.
    static func isFree(_ port: Int) -> Bool {
        withSocket(to: port) { descriptor, address, length in bind(descriptor, address, length) == 0 } ?? false
    }

    /// Whether a connection to 127.0.0.1:`port` is refused right now (nothing listens there). Unlike `isFree`,
    /// this is true as soon as a listener closes, even while connections it accepted are still open.
    static func refusesConnections(_ port: Int) -> Bool {
        withSocket(to: port) { descriptor, address, length in
            connect(descriptor, address, length) != 0 && errno == ECONNREFUSED
        } ?? false
    }

    private static func withSocket(
        to port: Int, _ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Bool
    ) -> Bool? {
        #if canImport(Glibc) || canImport(Musl)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
}
