import Foundation
import LighttpdConfig
import Logging
import NIOCore
import SluiceCore
import SluiceServer

/// An in-process Sluice on 127.0.0.1 with an ephemeral port, for end-to-end tests.
struct TestSluice: Sendable {
    let server: SluiceServer
    let port: Int
    /// Every bound listener, the main one first.
    let addresses: [SocketAddress]

    struct ConfigError: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts Sluice with `config` (which should not set server.port/bind: they are added), runs `body`,
    /// and always shuts the server down. `errorLog` receives the error log (by default it is dropped).
    static func with<R: Sendable>(
        config: String, threads: Int = 1, errorLog: Logger? = nil, _ body: (TestSluice) async throws -> R
    ) async throws -> R {
        let text = "server.bind = \"127.0.0.1\"\nserver.port = 0\n" + config
        let loaded = SiteLoader.load(text: text, file: "test.conf")
        guard loaded.isValid else {
            throw ConfigError(description: loaded.diagnostics.sorted.map(\.description).joined(separator: "\n"))
        }
        let server = SluiceServer(
            threads: threads, maxConnections: loaded.site.server.maxConnections,
            busyPoll: .microseconds(Int64(loaded.site.server.busyPoll)))
        do {
            server.install(
                try SiteRuntime(
                    site: loaded.site, errorLog: errorLog ?? Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                    eventLoops: server.group, busyPoller: server.busyPoller))
        } catch {
            await server.shutdown(timeout: .seconds(1))
            throw error
        }
        let addresses: [SocketAddress]
        do {
            addresses = try await server.start()
        } catch {
            await server.shutdown(timeout: .seconds(1))
            throw error
        }
        let sluice = TestSluice(server: server, port: addresses.first?.port ?? 0, addresses: addresses)
        do {
            let result = try await body(sluice)
            await server.shutdown(timeout: .seconds(2))
            return result
        } catch {
            await server.shutdown(timeout: .seconds(2))
            throw error
        }
    }
}

/// A scratch directory removed when the test ends.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "sluice-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    @discardableResult
    func write(_ relative: String, _ contents: String) throws -> String {
        try write(relative, Array(contents.utf8))
    }

    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Not `FileManager.createFile`: on Linux it writes atomically through a `/tmp/TemporaryDirectory.*` it
        // leaves behind, one per file (thousands per test run).
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }
}
