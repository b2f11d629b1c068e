import Glibc
import NIOCore
import Testing

/// `proxy-core.write-timeout` and `read-timeout`, including lighttpd's 0 for "no limit".
@Suite struct ProxyTimeoutTests {
    /// A port that accepts connections (the kernel completes them) but never reads: a backend stuck before
    /// reading its request. Closed by `close`.
    final class UnreadPort: @unchecked Sendable {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, length) == 0 && listen(descriptor, 8) == 0
                        && getsockname(descriptor, $0, &length) == 0
                }
            }
            guard bound else {
                Glibc.close(descriptor)
                throw TestClientError.unexpected("cannot listen on 127.0.0.1")
            }
            self.descriptor = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        func close() { Glibc.close(descriptor) }
    }

    static func config(port: Int, _ extra: String) -> String {
        """
        server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
        proxy-core.backends = ( "127.0.0.1:\(port)" )
        \(extra)
        """
    }

    @Test func aBackendThatStopsReadingTheBodyIs504AfterTheWriteTimeout() async throws {
        let backend = try UnreadPort()
        defer { backend.close() }
        // 128 MB cannot fit in the socket buffers between the client and a backend that never reads (two
        // connections: at most ~72 MB with this machine's tcp_rmem/tcp_wmem maxima).
        try await TestSluice.with(config: Self.config(port: backend.port, "proxy-core.write-timeout = 1")) { sluice in
            let (answer, bodyWritten) = try await RawExchange.uploadReportingWrite(
                head: "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 134217728\r\n\r\n", bodySize: 128 << 20,
                port: sluice.port, timeout: .seconds(30))
            #expect(answer.statusCodes == [504], "\(answer.prefix(200))")
            // Back-pressure the other way: Sluice stopped reading the client when the backend stopped reading,
            // so the client never got its 128 MB out (Sluice buffered none of it).
            #expect(!bodyWritten)
        }
    }

    @Test func readTimeoutZeroIsNoLimit() async throws {
        // A backend that never answers: the 1 s read timeout is certain to pass first.
        let silent = try await ScriptedUpstream.start(reply: nil)
        defer { Task { await silent.stop() } }
        try await TestSluice.with(config: Self.config(port: silent.port, "proxy-core.read-timeout = 1")) { sluice in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: sluice.port, timeout: .seconds(60))
            #expect(response.status == .gatewayTimeout)
        }
        // No limit: a backend slower than that 1 s is still waited for.
        try await withWorker(["--delay-ms", "1500"]) { worker in
            try await TestSluice.with(config: Self.config(port: worker.port, "proxy-core.read-timeout = 0")) { sluice in
                let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: sluice.port, timeout: .seconds(60))
                #expect(response.status == .ok)
            }
        }
    }
}

/// Backends on a unix socket and on IPv6 loopback (SPEC §4: `"unix:/path"`, `"[::1]:port"`), proxied and
/// pooled like any other.
@Suite struct BackendAddressFamilyTests {
    static let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfrom".utf8)

    static func config(_ backend: String) -> String {
        """
        server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
        proxy-core.backends = ( "\(backend)" )
        """
    }

    @Test func unixSocketBackend() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/app.sock"
        let upstream = try await ScriptedUpstream.start(reply: Self.reply, closeAfterReply: false, unixPath: path)
        try await TestSluice.with(config: Self.config("unix:\(path)")) { sluice in
            for _ in 0..<3 {
                let response = try await TestHTTPClient.request(TestHTTPRequest("/x"), port: sluice.port)
                #expect(response.status == .ok && response.bodyString == "from")
            }
        }
        #expect(upstream.connections == 1)
        await upstream.stop()
    }

    @Test func ipv6LoopbackBackend() async throws {
        let upstream = try await ScriptedUpstream.start(reply: Self.reply, closeAfterReply: false, host: "::1")
        try await TestSluice.with(config: Self.config("[::1]:\(upstream.port)")) { sluice in
            for _ in 0..<3 {
                let response = try await TestHTTPClient.request(TestHTTPRequest("/x"), port: sluice.port)
                #expect(response.status == .ok && response.bodyString == "from")
            }
        }
        #expect(upstream.connections == 1)
        await upstream.stop()
    }
}
