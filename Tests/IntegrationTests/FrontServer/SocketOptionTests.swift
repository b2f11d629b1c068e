import Foundation
import Glibc
import Testing

/// Client connections have Nagle's algorithm off (TCP_NODELAY at the TCP level: a response written in pieces,
/// such as SSE events, must not wait for the client's delayed ACK) and nothing else switched on by mistake:
/// NIO's `.socketOption(.tcp_nodelay)` sets the number at SOL_SOCKET level, where it means SO_DEBUG (Sluice
/// did that until 2026-11; Nagle was off anyway, through NIO's default on the listening socket, which
/// accepted sockets inherit). The server runs in this process, so its sockets are ours to inspect.
@Suite struct SocketOptionTests {
    /// Local and peer port of a TCP socket descriptor, nil for anything else.
    static func ports(of descriptor: Int32) -> (local: Int, peer: Int)? {
        var local = sockaddr_storage()
        var peer = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let gotLocal = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) == 0 }
        }
        length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let gotPeer = withUnsafeMutablePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) == 0 }
        }
        guard gotLocal, gotPeer, local.ss_family == sa_family_t(AF_INET), peer.ss_family == sa_family_t(AF_INET) else {
            return nil
        }
        func port(_ storage: sockaddr_storage) -> Int {
            withUnsafePointer(to: storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        }
        return (port(local), port(peer))
    }

    @Test func acceptedConnectionsHaveNagleOffAndNoDebugFlag() async throws {
        let root = try TemporaryDirectory()
        try root.write("a.txt", "a")
        try await TestSluice.with(config: "server.document-root = \"\(root.path)\"") { sluice in
            // While the connection is open, find the server's side of it among this process's descriptors
            // and read its TCP_NODELAY.
            let options = try await TestHTTPClient.withConnection(port: sluice.port) { connection in
                #expect(try await connection.request(TestHTTPRequest("/a.txt")).status == .ok)
                var found: [(noDelay: Int32, debug: Int32)] = []
                for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
                    guard let descriptor = Int32(entry), let ports = Self.ports(of: descriptor),
                        ports.local == sluice.port
                    else { continue }
                    var noDelay: Int32 = 0
                    var debug: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    guard getsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, &length) == 0 else { continue }
                    length = socklen_t(MemoryLayout<Int32>.size)
                    guard getsockopt(descriptor, SOL_SOCKET, SO_DEBUG, &debug, &length) == 0 else { continue }
                    found.append((noDelay, debug))
                }
                return found
            }
            #expect(!options.isEmpty, "the server's side of the connection was not found")
            #expect(options.allSatisfy { $0.noDelay != 0 }, "TCP_NODELAY is off on an accepted connection")
            #expect(options.allSatisfy { $0.debug == 0 }, "SO_DEBUG is on on an accepted connection")
        }
    }

    /// An IPv6 listener is IPv6-only, as lighttpd's: a dual-stack `[::]:P` would take `0.0.0.0:P` too and make
    /// the IPv4 listener of the same port fail with EADDRINUSE. (Only the wildcard shows it: Linux makes a socket
    /// bound to `::1` IPv6-only by itself. The wildcard listener is on an ephemeral port for the test's few
    /// milliseconds, and nothing connects to it.)
    @Test func ipv6ListenersAreIPv6Only() async throws {
        let root = try TemporaryDirectory()
        let config = "server.document-root = \"\(root.path)\"\n$SERVER[\"socket\"] == \"[::]:0\" { }"
        try await TestSluice.with(config: config) { sluice in
            let v6Port = try #require(sluice.addresses.first { $0.protocol == .inet6 }?.port)
            var found: [Int32] = []
            for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
                guard let descriptor = Int32(entry) else { continue }
                var local = sockaddr_in6()
                var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
                let named = withUnsafeMutablePointer(to: &local) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) == 0 }
                }
                guard named, local.sin6_family == sa_family_t(AF_INET6),
                    Int(UInt16(bigEndian: local.sin6_port)) == v6Port
                else { continue }
                var only: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                guard getsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &only, &size) == 0 else { continue }
                found.append(only)
            }
            #expect(found == [1], "IPV6_V6ONLY on the [::] listener: \(found)")
        }
    }
}
