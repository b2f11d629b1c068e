import LighttpdConfig
import SluiceCore

/// Issue 3's budget: one request through 2 conditions and 3 rewrite rules (the router: decode the path,
/// evaluate conditions, try rules, rewrite, evaluate again, resolve options) in under 2 µs of CPU.
struct RouterBenchmark: BenchmarkScenario {
    let name = "route-3-rules-2-conditions"
    let unit = "request"
    let defaultIterations = 200_000
    private var router: RequestRouter?
    private let requests: [RequestFacts] = [
        "/app/a%20b?x=1", "/static/css/site.css", "/api/v2/users/42?expand=1", "/", "/blog/2026/11/post-title",
    ].map { RequestFacts(method: "GET", target: Array($0.utf8), host: "www.example.com") }

    static let config = """
        server.modules = ( "mod_rewrite", "mod_proxy_core", "mod_proxy_backend_http" )
        $HTTP["host"] =~ "^(www\\\\.)?example\\\\.com$" {
          url.rewrite-once = ( "^/static/.*" => "",
                               "^/api/v([0-9]+)/(.*)$" => "/proxy/api$1/$2",
                               "(.*)" => "/proxy$1" )
        }
        $HTTP["url"] =^ "/proxy" {
          proxy-core.backends = ( "127.0.0.1:3001", "127.0.0.1:3002" )
          proxy-core.rewrite-request = ( "_uri" => ( "^/proxy(.*)" => "$1" ) )
        }
        """

    mutating func setUp() throws {
        let loaded = SiteLoader.load(text: Self.config, file: "bench.conf", resolveNames: false)
        if let first = loaded.diagnostics.sorted.first { throw BenchmarkSetupError(message: "\(name): \(first)") }
        router = RequestRouter(site: loaded.site)
    }

    func run(iterations: Int) -> Int {
        guard let router else { return 0 }
        var sink = 0
        let headers = HeaderList()
        for i in 0..<iterations {
            let routed = router.route(requests[i % requests.count], headers: headers)
            sink &+= routed.facts.target.count
        }
        return sink
    }
}
