import LighttpdConfig
import SluiceCore

/// The canonical config of SPEC / etc/sluice.conf, as text (so the benchmark reads no file).
let canonicalConfigText = """
    server.port          = 8080
    server.bind          = "127.0.0.1"
    server.document-root = var.CWD + "/etc/htdocs"
    server.modules       = ( "mod_rewrite", "mod_proxy_core", "mod_proxy_backend_http" )

    url.rewrite-once = ( "^/static/.*" => "",            # static passthrough: served from disk
                         "(.*)"        => "/proxy$1" )   # everything else goes to the app

    $HTTP["url"] =^ "/proxy" {
      proxy-core.protocol        = "http"
      proxy-core.balancer        = "sqf"
      proxy-core.backends        = ( "127.0.0.1:3001", "127.0.0.1:3002", "127.0.0.1:3003",
                                     "127.0.0.1:3004", "127.0.0.1:3005" )
      proxy-core.rewrite-request = ( "_uri" => ( "^/proxy(.*)" => "$1" ) )
    }
    """

/// A generated config of about `lines` lines: variables, arrays, and host/url blocks with rewrite rules and
/// proxy-core settings, the shape of a large multi-site lighttpd config.
func generatedConfig(lines: Int) -> String {
    var text = "server.modules = ( \"mod_rewrite\", \"mod_redirect\", \"mod_proxy_core\", \"mod_proxy_backend_http\" )\n"
    text += "var.base = \"/srv/sites\"\n"
    var site = 0
    while text.utf8.reduce(0, { $1 == 10 ? $0 + 1 : $0 }) < lines {
        text += """
            # site \(site)
            var.site\(site) = base + "/site\(site)"
            $HTTP["host"] =~ "^(www\\\\.)?site\(site)\\\\.example$" {
              server.document-root = var.site\(site) + "/htdocs"
              url.rewrite-once = ( "^/static/.*" => "", "^/api/v([0-9]+)/(.*)$" => "/proxy/v$1/$2", "(.*)" => "/proxy$1" )
              url.redirect = ( "^/old/(.*)" => "https://%0/new/$1" )
              $HTTP["url"] =^ "/proxy" {
                proxy-core.balancer = "round-robin"
                proxy-core.backends = ( "127.0.0.1:\(3000 + site % 1000)", "127.0.0.1:\(4000 + site % 1000)" )
                proxy-core.rewrite-request = ( "_uri" => ( "^/proxy(.*)" => "$1" ) )
              }
            }

            """
        site += 1
    }
    return text
}

/// Parse + evaluate + validate (the language layer only).
struct ConfigParseBenchmark: BenchmarkScenario {
    let name: String
    let text: String
    let unit = "config"
    let defaultIterations: Int

    func run(iterations: Int) -> Int {
        var sink = 0
        for _ in 0..<iterations {
            let result = ConfigLoader.load(text: text, file: "bench.conf")
            sink &+= result.config.blocks.count &+ result.diagnostics.count
        }
        return sink
    }
}

/// Everything `sluice -t` does with no DNS: the language layer plus compiling every regex (JIT) and template.
struct ConfigLoadBenchmark: BenchmarkScenario {
    let name: String
    let text: String
    let unit = "config"
    let defaultIterations: Int

    /// A benchmark of a config with mistakes would time error reporting, not loading.
    func setUp() throws {
        let result = SiteLoader.load(text: text, file: "bench.conf", resolveNames: false)
        if let first = result.diagnostics.sorted.first {
            throw BenchmarkSetupError(message: "\(name): the config has \(result.diagnostics.count) errors, first: \(first)")
        }
    }

    func run(iterations: Int) -> Int {
        var sink = 0
        for _ in 0..<iterations {
            let result = SiteLoader.load(text: text, file: "bench.conf", resolveNames: false)
            sink &+= result.site.options.count &+ result.diagnostics.count
        }
        return sink
    }
}

enum ConfigBenchmarks {
    static var all: [any BenchmarkScenario] {
        let large = generatedConfig(lines: 10_000)
        return [
            ConfigParseBenchmark(name: "config-parse-canonical", text: canonicalConfigText, defaultIterations: 2000),
            ConfigLoadBenchmark(name: "config-load-canonical", text: canonicalConfigText, defaultIterations: 2000),
            ConfigParseBenchmark(name: "config-parse-10k-lines", text: large, defaultIterations: 5),
            ConfigLoadBenchmark(name: "config-load-10k-lines", text: large, defaultIterations: 5),
        ]
    }
}

struct BenchmarkSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
