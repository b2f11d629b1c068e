import LighttpdConfig
import Testing
@testable import SluiceCore

@Suite struct ExplainerTests {
    static let canonical = """
        server.modules = ( "mod_rewrite", "mod_proxy_core", "mod_proxy_backend_http" )
        url.rewrite-once = ( "^/static/.*" => "", "(.*)" => "/proxy$1" )
        $HTTP["url"] =^ "/proxy" {
          proxy-core.protocol        = "http"
          proxy-core.balancer        = "sqf"
          proxy-core.backends        = ( "127.0.0.1:3001", "127.0.0.1:3002", "127.0.0.1:3003",
                                         "127.0.0.1:3004", "127.0.0.1:3005" )
          proxy-core.rewrite-request = ( "_uri" => ( "^/proxy(.*)" => "$1" ) )
        }
        """

    private func explain(_ config: String, _ target: String, method: String = "GET") -> ExplainReport {
        let loaded = SiteLoader.load(text: config, file: "t.conf", resolveNames: false)
        #expect(loaded.isValid, "\(loaded.diagnostics.sorted)")
        let facts = RequestFacts(method: method, target: Array(target.utf8), host: "example.com")
        return Explainer.explain(facts, headers: HeaderList(), site: loaded.site)
    }

    @Test func canonicalConfigReadsLikeTheSpec() {
        #expect(explain(Self.canonical, "/app/a%20b?x=1").text == """
            request   GET /app/a%20b?x=1  host=example.com
            cond      $HTTP["url"] =^ "/proxy"  false
            rewrite   url.rewrite-once rule 2 "(.*)" => "/proxy$1"  ->  /proxy/app/a%20b?x=1
            cond      $HTTP["url"] =^ "/proxy"  true
            proxy     _uri "^/proxy(.*)" => "$1"  ->  /app/a%20b?x=1
            balance   sqf over 5 backends (in flight now: none)
            upstream  GET /app/a%20b?x=1 HTTP/1.1  X-Forwarded-Prefix: (none)
            """)
    }

    /// A FastCGI or SCGI group: the protocol is compiled for the group, and `explain` shows the CGI variables that
    /// say where the request goes instead of an HTTP request line.
    @Test func fastCGIShowsTheScriptNameAndPathInfo() {
        let config = """
            server.modules = ( "mod_proxy_core", "mod_proxy_backend_fastcgi" )
            $HTTP["url"] =^ "/app" {
              proxy-core.protocol = "fastcgi"
              proxy-core.backends = ( "127.0.0.1:9000" )
              proxy-core.rewrite-request = ( "_uri" => ( "^/app(.*)" => "$1" ) )
            }
            """
        let report = explain(config, "/app/a%20b?x=1")
        #expect(report.text.hasSuffix("upstream  fastcgi SCRIPT_NAME=/app  PATH_INFO=/a b  QUERY_STRING=x=1"), "\(report.text)")
    }

    @Test func lighttpd14ProxyServerSaysWhichKeyTookTheRequest() {
        let config = """
            server.modules = ( "mod_proxy" )
            server.document-root = "/srv/www"
            proxy.server = ( ".php" => ( ( "host" => "127.0.0.1", "port" => 3001 ) ) )
            proxy.header = ( "map-urlpath" => ( "/app/" => "/" ) )
            """
        #expect(explain(config, "/app/index.php?x=1").text == """
            request   GET /app/index.php?x=1  host=example.com
            server    proxy.server key ".php" (first match of 1)
            proxy     map-urlpath "^/app/(.*)" => "/$1"  ->  /index.php?x=1
            balance   sqf over 1 backend (in flight now: none)
            upstream  GET /index.php?x=1 HTTP/1.1  X-Forwarded-Prefix: /app
            """)
        #expect(explain(config, "/app/style.css").text == """
            request   GET /app/style.css  host=example.com
            server    no proxy.server key matches: not proxied
            static    /app/style.css  from /srv/www
            """)
    }

    /// What the server does for requests it does not proxy: -if-not-file rules ask the file system (here an
    /// imaginary one, through the server's own `StaticRouting`), aliases name their directory, the status URL
    /// is the status page.
    @Test func fileChecksAliasesAndTheStatusPageAsTheServerSeesThem() {
        let config = """
            server.modules = ( "mod_rewrite", "mod_alias", "mod_status" )
            server.document-root = "/srv/www"
            url.rewrite-if-not-file = ( "^/app/(.*)" => "/index.html" )
            alias.url = ( "/al/" => "/srv/alias/" )
            status.status-url = "/server-status"
            """
        let loaded = SiteLoader.load(text: config, file: "t.conf", resolveNames: false)
        let disk = MemoryFileSystem(["/srv/www/app/real.txt": .file(size: 1, modified: 0)])
        func explain(_ target: String) -> String {
            Explainer.explain(
                RequestFacts(method: "GET", target: Array(target.utf8), host: "example.com"), headers: HeaderList(),
                site: loaded.site,
                isRegularFile: { path, active in
                    StaticRouting.isRegularFile(path: path, site: loaded.site, active: active, fileSystem: disk)
                }
            ).steps.map { "\($0.kind) \($0.text)" }.joined(separator: "\n")
        }
        #expect(explain("/app/real.txt").hasSuffix("static /app/real.txt  from /srv/www"))
        #expect(explain("/app/missing").contains("url.rewrite-if-not-file rule 1"))
        #expect(explain("/app/missing").hasSuffix("static /index.html  from /srv/www"))
        #expect(explain("/al/x.css").hasSuffix("static /al/x.css  from alias /srv/alias (/srv/alias/x.css)"))
        #expect(explain("/server-status").hasSuffix("status /server-status  (status.status-url)"))
    }

    @Test func theStatusPageIsAnsweredBeforeAnythingIsProxied() {
        let config = """
            server.modules = ( "mod_proxy_core", "mod_proxy_backend_http", "mod_status" )
            status.status-url = "/server-status"
            proxy-core.backends = ( "127.0.0.1:3001" )
            """
        #expect(explain(config, "/server-status").steps.map(\.kind) == ["request", "status"])
        #expect(explain(config, "/other").steps.last?.kind == "upstream")
    }

    @Test func staticPassthroughAndRedirects() {
        let report = explain(Self.canonical, "/static/app.css")
        #expect(report.steps.map(\.kind) == ["request", "cond", "rewrite", "static"])
        #expect(report.steps[2].text.hasSuffix("(unchanged, stop)"))
        let redirect = explain("server.modules = ( \"mod_redirect\" )\nurl.redirect = ( \"^/old(.*)\" => \"/new$1\" )", "/old/x")
        #expect(redirect.steps.last?.text == "url.redirect rule 1 \"^/old(.*)\" => \"/new$1\"  ->  301 /new/x")
    }

    @Test func prefixStrippedUnderASubPathIsForwarded() {
        let config = """
            server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
            $HTTP["url"] =^ "/app" {
              proxy-core.backends = ( "127.0.0.1:8080" )
              proxy-core.rewrite-request = ( "_uri" => ( "^/app(.*)" => "$1" ) )
            }
            """
        #expect(explain(config, "/app").steps.last?.text == "GET / HTTP/1.1  X-Forwarded-Prefix: /app")
        #expect(explain(config, "/app?x=1").steps.last?.text == "GET /?x=1 HTTP/1.1  X-Forwarded-Prefix: /app")
    }

    @Test func jsonIsOneObjectWithEscapedStrings() {
        let json = explain(Self.canonical, "/a\"b").json
        #expect(json.hasPrefix("{\"steps\": [") && json.hasSuffix("]}"))
        #expect(json.contains(#""condition": "$HTTP[\"url\"] =^ \"/proxy\"""#))
        #expect(json.contains(#""target": "/a\"b""#))
    }
}
