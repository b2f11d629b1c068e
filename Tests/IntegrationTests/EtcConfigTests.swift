import Foundation
import LighttpdConfig
import SluiceCore
import Testing

/// Every sample config under etc/ loads the way `sluice -t` loads it: parse, evaluate, validate, compile
/// every regex and template, resolve every backend.
@Suite struct EtcConfigTests {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.path
            }
        }
        return FileManager.default.currentDirectoryPath
    }()

    /// The machine's environment, with `var.CWD` the repository root (the samples are run from there).
    struct RepositoryEnvironment: ConfigEnvironment {
        let system = SystemConfigEnvironment()
        func readFile(_ path: String) -> Result<String, ConfigEnvironmentError> { system.readFile(path) }
        func glob(_ pattern: String) -> [String] { system.glob(pattern) }
        func runShell(_ command: String, in directory: String) -> Result<String, ConfigEnvironmentError> {
            system.runShell(command, in: directory)
        }
        func environmentVariable(_ name: String) -> String? { system.environmentVariable(name) }
        var currentDirectory: String { EtcConfigTests.repositoryRoot }
        var processID: Int { system.processID }
    }

    static var configFiles: [String] {
        let etc = repositoryRoot + "/etc"
        let found = FileManager.default.enumerator(atPath: etc)?.compactMap { $0 as? String } ?? []
        return found.filter { $0.hasSuffix(".conf") }.sorted().map { etc + "/" + $0 }
    }

    @Test func theSamplesAreThere() {
        let names = EtcConfigTests.configFiles.map { ($0 as NSString).lastPathComponent }
        for expected in [
            "sluice.conf", "subpath-app.conf", "websocket-tls.conf", "host-rewrite-502.conf", "round-robin.conf",
            "sqf-private-static.conf", "lighttpd14-mod-proxy.conf", "fastcgi-app.conf",
        ] {
            #expect(names.contains(expected), "etc/ lacks \(expected)")
        }
    }

    @Test(arguments: EtcConfigTests.configFiles)
    func sampleConfigPassesTheCheck(_ path: String) {
        let result = SiteLoader.load(file: path, environment: RepositoryEnvironment())
        #expect(result.isValid, "\(path): \(result.diagnostics.sorted.map(\.description))")
        for setting in result.site.config.blocks.flatMap(\.orderedSettings) {
            // Files a sample names (document roots, certificates, user files, error pages) exist.
            guard setting.key.hasSuffix("document-root") || setting.key.hasPrefix("ssl.") && setting.key != "ssl.engine"
                || setting.key.hasSuffix(".userfile")
            else { continue }
            if let file = setting.value.string {
                #expect(FileManager.default.fileExists(atPath: file), "\(setting.key) names a missing \(file)")
            }
        }
    }

    @Test func canonicalConfigMatchesTheSpec() throws {
        let result = SiteLoader.load(file: EtcConfigTests.repositoryRoot + "/etc/sluice.conf", environment: RepositoryEnvironment())
        #expect(result.isValid)
        let site = result.site
        #expect(site.server.port == 8080 && site.server.bind == "127.0.0.1")
        #expect(site.options[0].rewriteOnce?.map(\.regex.pattern) == ["^/static/.*", "(.*)"])
        #expect(site.options[0].rewriteOnce?.first?.template.isBlank == true)
        #expect(site.conditions[1]?.source.description == "$HTTP[\"url\"] =^ \"/proxy\"")
        #expect(site.options[1].proxy.backends?.map(\.label) == (1...5).map { "127.0.0.1:300\($0)" })
        #expect(site.options[1].proxy.balancer == .shortestQueueFirst)
    }

    @Test func htpasswdSampleHoldsTheDemoUser() throws {
        let file = try UserFile.load(path: EtcConfigTests.repositoryRoot + "/etc/examples/htpasswd", backend: .htpasswd)
        #expect(file.issues.isEmpty)
        #expect(file.verify(user: "demo", password: "demo"))
        #expect(!file.verify(user: "demo", password: "wrong"))
    }
}
