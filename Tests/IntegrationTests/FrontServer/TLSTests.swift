import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import Testing

/// A `$SERVER["socket"]` listener with `ssl.engine`: HTTPS with the sample localhost certificate.
@Suite struct TLSTests {
    /// One request over TLS (certificate not verified: it is self-signed); returns everything read.
    /// `maximumVersion` caps what the client offers.
    static func get(port: Int, target: String, maximumVersion: TLSVersion? = nil) async throws -> String {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        if let maximumVersion {
            configuration.minimumTLSVersion = .tlsv1
            configuration.maximumTLSVersion = maximumVersion
        }
        let context = try NIOSSLContext(configuration: configuration)
        let collector = RawExchange.Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: "localhost"))
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(
            channel.allocator.buffer(string: "GET \(target) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")).get()
        // The request says `Connection: close`: the server ends the exchange; the deadline only stops a hang.
        let deadline = channel.eventLoop.scheduleTask(in: .seconds(30)) { channel.close(promise: nil) }
        try? await channel.closeFuture.get()
        deadline.cancel()
        return String(decoding: collector.bytes, as: UTF8.self)
    }

    /// A TLS socket block on 127.0.0.1:`port` with the sample localhost certificate, `inside` added to the block.
    static func socketConfig(port: Int, documentRoot: String, inside: String = "") -> String {
        let certificates = TestBinaries.packageRoot + "/etc/examples/tls"
        return """
            server.document-root = "\(documentRoot)"
            $SERVER["socket"] == "127.0.0.1:\(port)" {
              ssl.engine = "enable"
              ssl.pemfile = "\(certificates)/localhost.crt"
              ssl.privkey = "\(certificates)/localhost.key"
            \(inside)
            }
            """
    }

    /// The certificate a client gets for the name it asks for (SNI): a `$HTTP["host"]` block's, else the socket's.
    static func servedCertificate(port: Int, name: String) async throws -> [UInt8] {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let seen = Mutex<[UInt8]>([])
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: context, serverHostname: name) { chain, promise in
                            seen.withLock { $0 = (try? chain.first?.toDERBytes()) ?? [] }
                            promise.succeed(.certificateVerified)
                        })
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(channel.allocator.buffer(string: "GET / HTTP/1.1\r\nHost: \(name)\r\nConnection: close\r\n\r\n")).get()
        let deadline = channel.eventLoop.scheduleTask(in: .seconds(30)) { channel.close(promise: nil) }
        try? await channel.closeFuture.get()
        deadline.cancel()
        return seen.withLock { $0 }
    }

    @Test func hostBlocksChooseTheCertificateByTheNameAskedFor() async throws {
        let tlsPort = try #require(FreePorts.base(forConsecutive: 1)) + 1
        let certificates = TestBinaries.packageRoot + "/etc/examples/tls"
        let config = Self.socketConfig(port: tlsPort, documentRoot: certificates, inside: """
            $HTTP["host"] =~ "(^|\\.)b\\.example$" {
              ssl.pemfile = "\(certificates)/b.example.crt"
              ssl.privkey = "\(certificates)/b.example.key"
            }
            """)
        let localhost = try NIOSSLCertificate.fromPEMFile(certificates + "/localhost.crt")[0].toDERBytes()
        let example = try NIOSSLCertificate.fromPEMFile(certificates + "/b.example.crt")[0].toDERBytes()
        let served = try await TestSluice.with(config: config) { _ in
            var served: [[UInt8]] = []
            for name in ["b.example", "www.B.example", "localhost", "other.test"] {
                served.append(try await Self.servedCertificate(port: tlsPort, name: name))
            }
            return served
        }
        let names = served.map { $0 == example ? "b.example" : $0 == localhost ? "localhost" : "another certificate" }
        #expect(names == ["b.example", "b.example", "localhost", "localhost"])
    }

    /// A host's key that does not belong to its certificate stops the start, naming the file (rather than failing
    /// every handshake for that name).
    @Test func aHostCertificateWithTheWrongKeyStopsTheStart() async throws {
        let certificates = TestBinaries.packageRoot + "/etc/examples/tls"
        let config = """
            server.document-root = "\(certificates)"
            ssl.engine = "enable"
            ssl.pemfile = "\(certificates)/localhost.crt"
            ssl.privkey = "\(certificates)/localhost.key"
            $HTTP["host"] == "b.example" {
              ssl.pemfile = "\(certificates)/b.example.crt"
              ssl.privkey = "\(certificates)/localhost.key"
            }
            """
        await #expect {
            try await TestSluice.with(config: config) { _ in }
        } throws: { error in
            "\(error)".contains("b.example.crt") && "\(error)".contains("$HTTP[\"host\"] == \"b.example\"")
        }
    }

    @Test func servesFilesOverTLSOnItsOwnSocket() async throws {
        let root = try TemporaryDirectory()
        try root.write("hello.txt", "secure hello")
        // A large file crosses the TLS path that reads files into buffers (no sendfile under TLS).
        try root.write("big.bin", [UInt8](repeating: 65, count: 300_000))
        let tlsPort = try #require(FreePorts.base(forConsecutive: 1)) + 1
        let config = Self.socketConfig(port: tlsPort, documentRoot: root.path)
        try await TestSluice.with(config: config) { _ in
            let answer = try await Self.get(port: tlsPort, target: "/hello.txt")
            #expect(answer.hasPrefix("HTTP/1.1 200 OK"))
            #expect(answer.hasSuffix("secure hello"))
            let big = try await Self.get(port: tlsPort, target: "/big.bin")
            #expect(big.contains("Content-Length: 300000"))
            #expect(big.hasSuffix(String(repeating: "A", count: 1000)))
            #expect(big.utf8.count > 300_000)
        }
    }

    /// lighttpd's usual form: the main socket named by a `$SERVER["socket"]` block that turns TLS on. Its TLS
    /// and its other settings both apply to that socket.
    @Test func aSocketBlockNamingTheMainSocketServesItOverTLSWithItsSettings() async throws {
        let root = try TemporaryDirectory()
        try root.write("hello.txt", "main over tls")
        let certificates = TestBinaries.packageRoot + "/etc/examples/tls"
        let config = """
            server.modules = ( "mod_setenv" )
            server.document-root = "\(root.path)"
            ssl.pemfile = "\(certificates)/localhost.crt"
            $SERVER["socket"] == "127.0.0.1:0" {
              ssl.engine = "enable"
              ssl.privkey = "\(certificates)/localhost.key"
              setenv.add-response-header = ( "X-Socket-Block" => "main" )
            }
            """
        try await TestSluice.with(config: config) { sluice in
            let answer = try await Self.get(port: sluice.port, target: "/hello.txt")
            #expect(answer.hasPrefix("HTTP/1.1 200 OK"))
            #expect(answer.contains("X-Socket-Block: main\r\n"))
            #expect(answer.hasSuffix("main over tls"))
        }
    }

    /// TLS 1.2 is the least a listener accepts unless the config lowers it (lighttpd's default; swift-nio-ssl's
    /// own would be 1.0): a client offering at most TLS 1.1 gets no answer, one offering 1.2 does; and
    /// `MinProtocol` lowers it.
    @Test func tlsBelow12IsRefusedByDefault() async throws {
        let root = try TemporaryDirectory()
        try root.write("hello.txt", "hi")
        let certificates = TestBinaries.packageRoot + "/etc/examples/tls"
        func config(_ extra: String) -> String {
            """
            server.document-root = "\(root.path)"
            ssl.engine = "enable"
            ssl.pemfile = "\(certificates)/localhost.crt"
            ssl.privkey = "\(certificates)/localhost.key"
            \(extra)
            """
        }
        try await TestSluice.with(config: config("")) { sluice in
            let old = try? await Self.get(port: sluice.port, target: "/hello.txt", maximumVersion: .tlsv11)
            #expect(old?.hasPrefix("HTTP/1.1 200") != true, "\(old ?? "")")
            let current = try await Self.get(port: sluice.port, target: "/hello.txt", maximumVersion: .tlsv12)
            #expect(current.hasPrefix("HTTP/1.1 200 OK"))
        }
        try await TestSluice.with(config: config("ssl.openssl.ssl-conf-cmd = ( \"MinProtocol\" => \"TLSv1.1\" )")) { sluice in
            let old = try await Self.get(port: sluice.port, target: "/hello.txt", maximumVersion: .tlsv11)
            #expect(old.hasPrefix("HTTP/1.1 200 OK"))
        }
    }
}
