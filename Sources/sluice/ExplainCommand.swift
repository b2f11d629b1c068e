import ArgumentParser
import LighttpdConfig
import SluiceCore

/// `sluice explain -f FILE [--method M] [--host H] [--remote-ip IP] [--header 'Name: value'] [--json] URL`
/// (SPEC §7): one request through the stages, each decision printed; no backend is contacted.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice explain",
        abstract: "Dry-run one request through the stages and print each decision.")

    @Option(name: .customShort("f"), help: ArgumentHelp("The config file (default: etc/sluice.conf or the built-in one).", valueName: "FILE"))
    var file: String?

    @Option(help: "The request method.")
    var method = "GET"

    @Option(help: "The Host header (default: the URL's host, else example.com).")
    var host: String?

    @Option(name: .customLong("remote-ip"), help: "The client address.")
    var remoteIP = "127.0.0.1"

    @Option(name: .customLong("header"), help: ArgumentHelp("A request header, 'Name: value' (repeatable).", valueName: "HEADER"))
    var headers: [String] = []

    @Flag(help: "Print one JSON object instead of lines.")
    var json = false

    @Argument(help: "The request target (/path?query) or an absolute http(s):// URL.")
    var url: String

    func validate() throws {
        guard IPAddress(remoteIP) != nil else { throw ValidationError("--remote-ip \(remoteIP) is not an IP address") }
        for header in headers where !header.contains(":") {
            throw ValidationError("--header \"\(header)\" must be 'Name: value'")
        }
        guard url.hasPrefix("/") || url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ValidationError("the URL must start with / or http(s)://")
        }
    }

    func runExplain() -> Int32 {
        let checked = SiteLoader.compile(ConfigSource.resolve(file: file).load())
        if !checked.isValid {
            for diagnostic in checked.diagnostics.sorted { SluiceCommandLine.writeError(diagnostic.description) }
            return 1
        }
        var scheme = "http", authority = "", target = url
        for prefix in ["http://", "https://"] where url.hasPrefix(prefix) {
            scheme = String(prefix.dropLast(3))
            let rest = url.dropFirst(prefix.count)
            let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            authority = String(rest[..<slash])
            target = rest[slash...].isEmpty ? "/" : (rest[slash...].hasPrefix("?") ? "/" : "") + rest[slash...]
        }
        let hostName = (host ?? (authority.isEmpty ? "example.com" : authority)).lowercased()
        let fields = headers.map { header -> (name: String, value: String) in
            let colon = header.firstIndex(of: ":")!
            return (String(header[..<colon]).trimmingSpaces, String(header[header.index(after: colon)...]).trimmingSpaces)
        }
        let port = checked.site.config.listeners.first.flatMap { listener -> UInt16? in
            if case .inet(_, let port) = listener.address { return UInt16(truncatingIfNeeded: port) }
            return nil
        } ?? 80
        // The request arrives on the main socket, whose $SERVER["socket"] blocks (if any) match it.
        let facts = RequestFacts(
            method: method.uppercased(), target: Array(target.utf8), host: hostName, scheme: scheme,
            remoteAddress: IPAddress(remoteIP), localPort: port,
            socketBlocks: checked.site.config.listeners.first?.blockIndices ?? [])
        // -if-not-file rules ask the disk, as the server does.
        let site = checked.site
        let report = Explainer.explain(
            facts, headers: HeaderList(fields), site: site,
            isRegularFile: { path, active in
                StaticRouting.isRegularFile(path: path, site: site, active: active, fileSystem: SystemFileSystem())
            })
        print(json ? report.json : report.text)
        return 0
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
