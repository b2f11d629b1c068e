import SluiceCore

/// Sample request targets for the regex scenarios: static files, API calls, pages, with and without queries.
private enum RegexBenchmarkData {
    static let rules: [(pattern: String, template: String)] = [
        ("^/static/(.*)$", "/assets/${1}"),
        ("^/api/v([0-9]+)/([a-z]+)/([0-9]+)(?:\\?(.*))?$", "/backend/$2/$3?version=$1&$4"),
        ("^/([^?]*)(?:\\?.*)?$", "/index.php?path=${1}${qsa}"),
    ]

    static let targets: [String] = [
        "/static/css/site.css", "/static/js/app.min.js?v=42", "/static/img/logo%20big.png",
        "/static/fonts/inter.woff2", "/api/v1/users/123", "/api/v2/orders/98765?expand=items",
        "/api/v1/products/5?fields=name,price&sort=asc", "/api/v3/carts/1", "/", "/about",
        "/blog/2024/05/hello-world?utm_source=news&utm_medium=email", "/search?q=swift+nio&page=2",
        "/docs/getting-started/install", "/user/profile/settings", "/a%20b/c%2Fd?x=%26",
        "/shop/category/shoes?color=red&size=42", "/contact?ref=footer", "/favicon.ico",
        "/api/vX/users/1", "/very/long/path/with/many/segments/that/keeps/going/on/and/on/index.html",
    ]
}

/// One request through a three-rule `url.rewrite-once` list: first matching regex (PCRE2 JIT, on the target's
/// UTF-8 bytes), then its template rendered into a reused buffer. One iteration = one target of 20.
struct RegexRewriteBenchmark: BenchmarkScenario {
    let name = "regex-rewrite-3-rules"
    let unit = "request"
    let defaultIterations = 1_000_000

    private var rules: [(regex: CompiledRegex, template: RewriteTemplate)] = []
    private var output: [UInt8] = []

    mutating func setUp() throws {
        rules = try RegexBenchmarkData.rules.map { (try CompiledRegex($0.pattern), try RewriteTemplate($0.template)) }
        output.reserveCapacity(512)
    }

    mutating func run(iterations: Int) -> Int {
        let targets = RegexBenchmarkData.targets
        var sink = 0
        for iteration in 0..<iterations {
            let target = targets[iteration % targets.count]
            sink &+= target.utf8.withContiguousStorageIfAvailable { bytes in
                let (path, query) = RewriteInput.splitTarget(bytes)
                for rule in rules {
                    guard let match = rule.regex.firstMatch(in: bytes) else { continue }
                    output.removeAll(keepingCapacity: true)
                    rule.template.render(
                        RewriteInput(subject: bytes, match: match, port: 80, path: path, query: query), into: &output)
                    return output.count
                }
                return 0
            } ?? 0
        }
        return sink
    }
}

/// The matching half of `RegexRewriteBenchmark` alone: the same rules and targets, first match only.
struct RegexMatchBenchmark: BenchmarkScenario {
    let name = "regex-match-3-rules"
    let unit = "request"
    let defaultIterations = 1_000_000

    private var regexes: [CompiledRegex] = []

    mutating func setUp() throws {
        regexes = try RegexBenchmarkData.rules.map { try CompiledRegex($0.pattern) }
    }

    mutating func run(iterations: Int) -> Int {
        let targets = RegexBenchmarkData.targets
        var sink = 0
        for iteration in 0..<iterations {
            let target = targets[iteration % targets.count]
            sink &+= target.utf8.withContiguousStorageIfAvailable { bytes in
                for regex in regexes {
                    if let match = regex.firstMatch(in: bytes) { return match.range.upperBound &+ match.count }
                }
                return 0
            } ?? 0
        }
        return sink
    }
}
