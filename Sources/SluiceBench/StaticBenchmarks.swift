import Glibc
import SluiceCore

/// Static-file and access-log decisions per request: path normalisation, the Content-Type lookup, the
/// response plan (validators, preconditions, Range), the `Date` header and one access-log line.
struct StaticBenchmark: BenchmarkScenario {
    enum Work {
        case normalize, mimeType, planConditional, planRange, httpDate, accessLog, decideCached, decideSystem
    }

    let name: String
    let unit: String
    let defaultIterations: Int
    let work: Work

    static var all: [StaticBenchmark] {
        [
            StaticBenchmark(
                name: "static-path-normalize", unit: "path", defaultIterations: 1_000_000, work: .normalize),
            StaticBenchmark(name: "static-mime-lookup", unit: "lookup", defaultIterations: 1_000_000, work: .mimeType),
            StaticBenchmark(
                name: "static-plan-if-none-match", unit: "plan", defaultIterations: 500_000, work: .planConditional),
            StaticBenchmark(name: "static-plan-range", unit: "plan", defaultIterations: 500_000, work: .planRange),
            StaticBenchmark(
                name: "static-decide-stat-cache", unit: "request", defaultIterations: 500_000, work: .decideCached),
            StaticBenchmark(
                name: "static-decide-system-calls", unit: "request", defaultIterations: 100_000, work: .decideSystem),
            StaticBenchmark(name: "static-http-date", unit: "date", defaultIterations: 1_000_000, work: .httpDate),
            StaticBenchmark(name: "accesslog-line-default", unit: "line", defaultIterations: 500_000, work: .accessLog),
        ]
    }

    private static let paths: [[UInt8]] = [
        "/static/css/site.css", "/static/js/app.min.js", "/static/img/logo%20big.png", "/", "/index.html",
        "/docs/getting-started/install/", "/a/b/../c/./d.txt", "/%2e%2e/etc/passwd", "/caf%C3%A9/menu.pdf",
        "/very/long/path/with/many/segments/that/keeps/going/on/and/on/index.html",
    ].map { Array($0.utf8) }

    mutating func run(iterations: Int) -> Int {
        var sink = 0
        switch work {
        case .normalize:
            for iteration in 0..<iterations {
                if let path = RequestPath.normalized(Self.paths[iteration % Self.paths.count]) {
                    sink &+= path.bytes.count
                }
            }
        case .mimeType:
            let table = MimeTypeTable.builtIn
            for iteration in 0..<iterations {
                sink &+= table.contentType(forPath: Self.paths[iteration % Self.paths.count]).utf8.count
            }
        case .planConditional, .planRange:
            let file = FileStatus(kind: .regular, size: 123_456, inode: 99, modificationSeconds: 1_700_000_000)
            let now: Int64 = 1_763_683_200
            let etag = EntityTag.forFile(file.stamp, now: now).headerValue
            let headers =
                work == .planRange
                ? ConditionalHeaders(ifRange: etag, range: "bytes=1000-1999") : ConditionalHeaders(ifNoneMatch: etag)
            let settings = StaticFileSettings()
            for _ in 0..<iterations {
                let plan = StaticResponsePlan(
                    file: file, contentType: "text/css; charset=utf-8", method: .get, headers: headers,
                    settings: settings, now: now, makeBoundary: { "unused" })
                sink &+= plan.status &+ plan.headers.count
            }
        case .decideCached, .decideSystem:
            // A small tree on disk: the decision of a served file, through the per-loop stat cache (every
            // call after the first in the second is a hit) or straight through the system calls.
            guard let root = Self.makeTree() else { return 0 }
            defer { Self.removeTree(root) }
            let decider = StaticFileDecider(
                resolver: StaticPathResolver(documentRoot: root, aliases: AliasTable()), settings: StaticFileSettings())
            let targets = ["/static/css/site.css", "/static/js/app.min.js", "/index.html"].map { Array($0.utf8) }
            let cache = StatCache(base: SystemFileSystem())
            cache.now = 1_763_683_200
            for iteration in 0..<iterations {
                let target = targets[iteration % targets.count]
                let decision =
                    work == .decideCached
                    ? decider.decide(rawPath: target, query: nil, fileSystem: cache)
                    : decider.decide(rawPath: target, query: nil, fileSystem: SystemFileSystem())
                if case .serveFile(let file) = decision { sink &+= Int(file.status.size) }
            }
        case .httpDate:
            var buffer = [UInt8](repeating: 0, count: HTTPDate.formattedLength)
            for iteration in 0..<iterations {
                sink &+= buffer.withUnsafeMutableBytes { HTTPDate.write(1_763_683_200 + Int64(iteration), into: $0) }
                sink &+= Int(buffer[17])
            }
        case .accessLog:
            let format = AccessLogFormat.default
            var record = AccessLogRecord(
                remoteAddress: "192.0.2.7", method: "GET", originalTarget: "/static/css/site.css?v=42",
                status: 200, startNanoseconds: 1_763_683_200_000_000_000,
                requestHeaders: AccessLogHeaderList([
                    ("Host", "example.com"), ("Referer", "https://example.com/"),
                    ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"),
                ]),
                responseHeaders: AccessLogHeaderList())
            record.host = "example.com"
            record.bodyBytes = 5123
            var line = [UInt8]()
            line.reserveCapacity(512)
            for iteration in 0..<iterations {
                record.startNanoseconds &+= Int64(iteration)
                line.removeAll(keepingCapacity: true)
                format.render(record, into: &line)
                sink &+= line.count
            }
        }
        return sink
    }

    /// A directory with the files `decideCached`/`decideSystem` serve; nil when it cannot be made.
    private static func makeTree() -> String? {
        let root = "/tmp/sluice-bench-static-\(getpid())"
        for directory in ["", "/static", "/static/css", "/static/js"] {
            if mkdir(root + directory, 0o755) != 0 && errno != EEXIST { return nil }
        }
        for file in ["/static/css/site.css", "/static/js/app.min.js", "/index.html"] {
            let descriptor = open(root + file, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
            guard descriptor >= 0 else { return nil }
            _ = write(descriptor, "body", 4)
            close(descriptor)
        }
        return root
    }

    private static func removeTree(_ root: String) {
        for file in ["/static/css/site.css", "/static/js/app.min.js", "/index.html"] { unlink(root + file) }
        for directory in ["/static/css", "/static/js", "/static", ""] { rmdir(root + directory) }
    }
}
