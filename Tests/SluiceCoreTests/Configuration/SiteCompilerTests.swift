import LighttpdConfig
import Testing
@testable import SluiceCore

@Suite struct SiteCompilerTests {
    let modules = """
        server.modules = ( "mod_rewrite", "mod_redirect", "mod_auth", "mod_authn_file", "mod_extforward",
                           "mod_proxy_core", "mod_proxy_backend_http" )

        """

    private func compile(_ text: String) -> SiteLoader.Result {
        SiteLoader.load(text: modules + text, file: "t.conf", resolveNames: false)
    }

    private func errors(_ text: String) -> [String] {
        compile(text).diagnostics.sorted.map(\.description)
    }

    @Test func badRegexesPointAtPCRE2sColumn() {
        #expect(errors("url.rewrite-once = ( \"^/(a\" => \"/b\" )") == [
            "t.conf:3:27: error: invalid regex: missing closing parenthesis",
        ])
        #expect(errors("$HTTP[\"url\"] =~ \"[z-a]\" { }") == [
            "t.conf:3:21: error: invalid regex: range out of order in character class",
        ])
        // A `\"` escape before the error moves the column by one.
        #expect(errors("$HTTP[\"url\"] =~ \"\\\"(\" { }").first?.hasPrefix("t.conf:3:21:") == true)
    }

    @Test func templatesAreCheckedAgainstTheirRegexAndCondition() {
        let templateErrors = errors("url.rewrite-once = ( \"^/a\" => \"/b${esc1}\" )")
        #expect(templateErrors.count == 1, "\(templateErrors)")
        #expect(templateErrors.first?.hasPrefix("t.conf:3:36: error: invalid substitution in 'url.rewrite-once'") == true)
        #expect(errors("url.rewrite-once = ( \"^/(a)\" => \"/b$2\" )") == [
            "t.conf:3:33: error: '$2' refers to a group the regex \"^/(a)\" does not have (it has 1)",
        ])
        #expect(errors("url.rewrite-once = ( \"^/a\" => \"/b%1\" )").first?.contains("there is none") == true)
        #expect(errors("$HTTP[\"host\"] =~ \"^(www)\\.\" { url.rewrite-once = ( \"^/a\" => \"/%1\" ) }").isEmpty)
        // Captures come from the nearest enclosing =~ condition, however deep.
        #expect(errors("$HTTP[\"host\"] =~ \"^(www)\" { $HTTP[\"url\"] =^ \"/x\" { url.redirect = ( \"^/(.*)\" => \"http://%1.example/$1\" ) } }").isEmpty)
    }

    @Test func conditionsCompileCIDRAndLowerCaseHosts() throws {
        let result = compile("""
            $HTTP["remoteip"] == "10.0.0.0/8" { }
            $HTTP["host"] == "Example.COM" { }
            $HTTP["remoteip"] != "not-an-ip" { }
            """)
        #expect(result.diagnostics.sorted.map(\.description) == [
            "t.conf:5:22: error: \"not-an-ip\" is not an IP address or CIDR block; write e.g. \"192.0.2.1\", \"10.0.0.0/8\" or \"2001:db8::/32\"",
        ])
        guard case .cidr(let block) = result.site.conditions[1]?.matcher else {
            Issue.record("expected a CIDR matcher")
            return
        }
        #expect(block.contains(IPAddress("10.1.2.3")!) && !block.contains(IPAddress("11.0.0.1")!))
        guard case .equal(let host) = result.site.conditions[2]?.matcher else {
            Issue.record("expected an equality matcher")
            return
        }
        #expect(host == Array("example.com".utf8))
    }

    @Test func proxyCoreValuesAreCompiled() throws {
        let result = compile("""
            $HTTP["url"] =^ "/proxy" {
              proxy-core.backends = ( "127.0.0.1:3001", "[::1]:3002", "unix:/run/app.sock" )
              proxy-core.balancer = "fair"
              proxy-core.rewrite-request = ( "_uri" => ( "^/proxy(.*)" => "$1" ), "X-App" => ( "^(.*)$" => "v-$1" ) )
              proxy-core.rewrite-response = ( "Location" => ( "^http://internal(.*)" => "$1" ) )
              proxy-core.max-pool-size = 8
            }
            """)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.sorted)")
        let proxy = result.site.options[1].proxy
        #expect(proxy.backends?.count == 3)
        #expect(proxy.balancer == .shortestQueueFirst)
        #expect(proxy.uriRewrite?.first?.template.source == "$1")
        #expect(proxy.requestHeaderRewrites?.map(\.header) == ["X-App"])
        #expect(proxy.responseHeaderRewrites?.map(\.header) == ["Location"])
        #expect(proxy.maxPoolSize == 8)
    }

    /// lighttpd 1.5's `_scriptname`, `_pathinfo`, `_docroot` apply to FastCGI/SCGI groups only.
    @Test func cgiPseudoKeysNeedACGIProtocol() {
        let rules = "proxy-core.rewrite-request = ( \"_pathinfo\" => ( \"^/app(/.*)\" => \"$1\" ), \"_docroot\" => ( \".*\" => \"/srv\" ) )"
        let fastcgi = SiteLoader.load(
            text: "server.modules = ( \"mod_proxy_core\", \"mod_proxy_backend_fastcgi\" )\n"
                + "$HTTP[\"url\"] =^ \"/app\" {\n proxy-core.protocol = \"fastcgi\"\n proxy-core.backends = ( \"127.0.0.1:9000\" )\n"
                + " $HTTP[\"url\"] =^ \"/app/x\" { \(rules) }\n}",
            file: "t.conf", resolveNames: false)
        #expect(fastcgi.diagnostics.sorted.isEmpty, "\(fastcgi.diagnostics.sorted)")
        #expect(fastcgi.site.options[2].proxy.cgiVariableRewrites?.map(\.header) == ["_pathinfo", "_docroot"])
        #expect(errors("$HTTP[\"url\"] =^ \"/app\" {\n proxy-core.backends = ( \"127.0.0.1:9000\" )\n \(rules)\n}") == [
            "t.conf:5:2: error: 'proxy-core.rewrite-request' \"_pathinfo\", \"_docroot\" only applies to FastCGI and SCGI backends; set proxy-core.protocol = \"fastcgi\" or \"scgi\" for these backends, or use \"_uri\"",
        ])
    }

    @Test func proxyCoreMistakes() {
        #expect(errors("""
            proxy-core.backends = ( "127.0.0.1:99999", "::1:80", "unix:relative" )
            proxy-core.balancer = "round-robbin"
            proxy-core.rewrite-request = ( "_url" => ( "^/(.*)" => "/$1" ) )
            proxy-core.health-check = "ping"
            """) == [
            "t.conf:3:25: error: bad backend \"127.0.0.1:99999\": port 99999 is out of range (1-65535)",
            "t.conf:3:44: error: bad backend \"::1:80\": an IPv6 address must be written in brackets: \"[::1]:80\"",
            "t.conf:3:54: error: bad backend \"unix:relative\": a unix socket path must be absolute",
            "t.conf:4:23: error: unknown balancer \"round-robbin\"; did you mean \"round-robin\"?",
            "t.conf:5:32: error: unknown pseudo-key \"_url\"; use \"_uri\", or for FastCGI/SCGI \"_scriptname\", \"_pathinfo\", \"_docroot\"; other keys name headers",
            "t.conf:6:27: error: proxy-core.health-check must be a path starting with '/'",
        ])
    }

    @Test func authRequireIsChecked() {
        #expect(errors("""
            auth.backend = "plain"
            auth.require = ( "/private" => ( "method" => "digest", "realm" => "r", "require" => "valid-user" ) )
            """).first?.contains("method \"digest\" is not supported") == true)
        #expect(errors("""
            auth.backend = "plain"
            auth.require = ( "/private" => ( "method" => "basic", "realm" => "r", "require" => "group=staff" ) )
            """).count == 1)
        #expect(errors("""
            auth.require = ( "/private" => ( "method" => "basic", "realm" => "r", "require" => "valid-user" ) )
            """) == [
            "t.conf:3:1: error: auth.require is set but no auth.backend is in effect here; set auth.backend = \"htpasswd\" and auth.backend.htpasswd.userfile",
        ])
    }

    @Test func captureBlocksFollowTheNearestRegexCondition() {
        let result = compile("""
            $HTTP["host"] =~ "^(a)" {
              $HTTP["url"] =^ "/x" { }
            }
            $HTTP["url"] =^ "/y" { }
            """)
        #expect(result.site.captureBlocks == [nil, 1, 1, nil])
    }

    @Test func backendNamesResolveToEveryAddress() throws {
        let resolved = try BackendAddress.parse("localhost:3001").get().resolve().get()
        #expect(!resolved.isEmpty)
        #expect(resolved.allSatisfy { if case .ip(_, let port) = $0.address { port == 3001 } else { false } })
        #expect((try? BackendAddress.parse("host").get())?.description == "host:80")
    }

    /// Every address a name resolves to is a backend, once, in resolver order; none is an error.
    @Test func aNameWithSeveralAddressesGivesSeveralBackends() throws {
        let address = try BackendAddress.parse("app.internal:3001").get()
        let a = try #require(IPAddress("10.0.0.1")), b = try #require(IPAddress("2001:db8::2"))
        let backends = try address.backends(resolvedTo: [a, b, a]).get()
        #expect(backends.map(\.label) == ["app.internal:3001 (10.0.0.1:3001)", "app.internal:3001 ([2001:db8::2]:3001)"])
        #expect(backends.map(\.address) == [.ip(a, port: 3001), .ip(b, port: 3001)])
        #expect((try? address.backends(resolvedTo: []).get()) == nil)
    }
}

/// Keys of a backend group (balancer, pool, backlog, health, connect timeout) count only where the group is
/// built: the block setting the backends and the blocks around it. Anywhere else they are refused.
@Suite struct BackendGroupKeyTests {
    static func errors(_ config: String) -> [String] {
        SiteLoader.load(
            text: "server.modules = ( \"mod_proxy_core\", \"mod_proxy_backend_http\", \"mod_proxy\" )\n" + config,
            file: "t.conf", resolveNames: false
        ).diagnostics.sorted.map(\.description)
    }

    @Test func honouredInTheBackendsBlockAndAroundIt() {
        #expect(Self.errors("""
            proxy-core.max-pool-size = 8
            $HTTP["url"] =^ "/app" {
              proxy-core.balancer = "round-robin"
              $HTTP["host"] == "a" {
                proxy-core.backends = ( "127.0.0.1:3001" )
                proxy-core.max-backlog-size = 5
              }
            }
            """).isEmpty)
        // A site without backends has nothing to misdirect.
        #expect(Self.errors("$HTTP[\"url\"] =^ \"/x\" { proxy-core.balancer = \"sqf\" }").isEmpty)
    }

    @Test func refusedInsideOrBesideIt() {
        let message = "here would not apply: a backend group takes it from the block that sets proxy-core.backends "
            + "(or proxy.server) and the blocks around that one; set it in that block, or set the backends in this one"
        #expect(Self.errors("""
            $HTTP["url"] =^ "/app" {
              proxy-core.backends = ( "127.0.0.1:3001" )
              $HTTP["url"] =^ "/app/upload" { proxy-core.max-backlog-size = 10 }
            }
            $HTTP["host"] == "a" { proxy.balance = "round-robin" }
            $HTTP["url"] =^ "/app/legacy" { proxy-core.protocol = "http" }
            """) == [
            "t.conf:4:35: error: 'proxy-core.max-backlog-size' \(message)",
            "t.conf:6:24: error: 'proxy.balance' \(message)",
            "t.conf:7:33: error: 'proxy-core.protocol' \(message)",
        ])
    }
}

@Suite struct IndexFileNameTests {
    @Test func namesWithASlashAreRefused() {
        let loaded = SiteLoader.load(
            text: "index-file.names = ( \"index.html\", \"/index.php\", \"..\" )", file: "t.conf", resolveNames: false)
        #expect(loaded.diagnostics.sorted.map(\.description) == [
            "t.conf:1:36: error: index-file.names entries are file names in the requested directory, not \"/index.php\"; write \"index.php\", or rewrite directory URLs to it with url.rewrite-if-not-file",
            "t.conf:1:50: error: index-file.names entries are file names in the requested directory, not \"..\"",
        ])
    }
}

/// Debian's stock lighttpd.conf (its include_shell lines aside) loads as it is: mod_access, the compatibility
/// keys it sets, and the timeout it gives as a feature flag.
@Suite struct StockLighttpdConfigTests {
    static let debian = #"""
        server.modules = (
        	"mod_indexfile",
        	"mod_access",
        	"mod_alias",
         	"mod_redirect",
        )
        server.document-root        = "/var/www/html"
        server.upload-dirs          = ( "/var/cache/lighttpd/uploads" )
        server.errorlog             = "/var/log/lighttpd/error.log"
        server.pid-file             = "/run/lighttpd.pid"
        server.username             = "www-data"
        server.groupname            = "www-data"
        server.port                 = 80
        server.feature-flags       += ("server.h2proto" => "enable")
        server.feature-flags       += ("server.h2c"     => "enable")
        server.feature-flags       += ("server.graceful-shutdown-timeout" => 5)
        server.http-parseopts = (
          "header-strict"           => "enable",# default
          "host-strict"             => "enable",# default
          "url-path-2f-decode"      => "enable",# recommended highly (unless breaks app)
          "url-path-dotseg-remove"  => "enable",# recommended highly (unless breaks app)
        )
        index-file.names            = ( "index.php", "index.html" )
        url.access-deny             = ( "~", ".inc" )
        static-file.exclude-extensions = ( ".php", ".pl", ".fcgi" )
        server.modules += (
        	"mod_dirlisting",
        	"mod_staticfile",
        )
        """#

    @Test func loadsAndMeansWhatItSays() {
        let loaded = SiteLoader.load(text: Self.debian, file: "lighttpd.conf", resolveNames: false)
        #expect(loaded.diagnostics.sorted.isEmpty, "\(loaded.diagnostics.sorted.map(\.description))")
        #expect(loaded.site.server.gracefulShutdownTimeout == 5)
        let rules = loaded.site.options[0].files.accessDeny
        #expect(rules == ["~", ".inc"])
    }

    @Test(arguments: [
        ("/index.html", true), ("/notes.txt~", false), ("/lib/db.INC", false), ("/lib/db.inc.php", true),
    ])
    func accessDenyBySuffix(_ path: String, _ permitted: Bool) {
        #expect(AccessRules(deny: ["~", ".inc"]).permits(path: Array(path.utf8)) == permitted)
    }

    @Test func accessAllowListsWhatMayBeServed() {
        let rules = AccessRules(deny: [".bak.html"], allow: [".html", ".css"])
        #expect(rules.permits(path: Array("/a.html".utf8)))
        #expect(!rules.permits(path: Array("/a.js".utf8)))
        #expect(!rules.permits(path: Array("/a.bak.html".utf8)))
        #expect(!AccessRules(deny: [""]).permits(path: Array("/anything".utf8)))
        // An empty allow list restricts nothing, as in lighttpd.
        #expect(AccessRules(allow: []).permits(path: Array("/anything".utf8)))
    }

    @Test func syslogAndJSONEscapingAreRefused() {
        let loaded = SiteLoader.load(
            text: "server.modules = ( \"mod_accesslog\" )\naccesslog.use-syslog = \"enable\"\naccesslog.escaping = \"json\"",
            file: "t.conf", resolveNames: false)
        #expect(loaded.diagnostics.sorted.map(\.description) == [
            "t.conf:2:24: error: accesslog.use-syslog is not supported; use accesslog.filename",
            "t.conf:3:22: error: accesslog.escaping \"json\" is not supported; leave it out (\"default\": non-printable bytes as \\xHH)",
        ])
    }
}
