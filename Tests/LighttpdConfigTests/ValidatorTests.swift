import Testing
@testable import LighttpdConfig

@Suite struct ValidatorTests {
    @Test func unknownKeysGetADidYouMean() {
        #expect(errors("server.prot = 80") == [
            "/srv/site/test.conf:1:1: error: unknown config key 'server.prot'; did you mean 'server.port'?",
        ])
        #expect(errors("\(modulesLine)proxy-core.balance = \"sqf\"").first?.hasSuffix("did you mean 'proxy-core.balancer'?") == true)
    }

    @Test func keysOfModulesNotLoadedNameTheModule() {
        #expect(errors("url.rewrite-once = ( \"^/a\" => \"/b\" )") == [
            "/srv/site/test.conf:1:1: error: 'url.rewrite-once' needs module \"mod_rewrite\", which is not loaded; add \"mod_rewrite\" to server.modules",
        ])
        #expect(errors("server.modules = ( \"mod_proxy_core\" )\nproxy-core.protocol = \"http\"") == [
            "/srv/site/test.conf:2:23: error: proxy-core.protocol \"http\" needs module \"mod_proxy_backend_http\", which is not loaded; add \"mod_proxy_backend_http\" to server.modules",
        ])
        #expect(errors("server.modules = ( \"mod_rewrit\" )") == [
            "/srv/site/test.conf:1:20: error: unknown module \"mod_rewrit\"; did you mean \"mod_rewrite\"?",
        ])
    }

    /// `proxy-core.protocol`: each protocol needs its backend module; an unknown name says which exist.
    @Test func backendProtocolsNeedTheirModules() {
        let core = "server.modules = ( \"mod_proxy_core\", \"mod_proxy_backend_fastcgi\", \"mod_proxy_backend_scgi\" )\n"
        #expect(errors(core + "proxy-core.protocol = \"fastcgi\"").isEmpty)
        #expect(errors(core + "proxy-core.protocol = \"scgi\"").isEmpty)
        #expect(errors("server.modules = ( \"mod_proxy_core\" )\nproxy-core.protocol = \"scgi\"") == [
            "/srv/site/test.conf:2:23: error: proxy-core.protocol \"scgi\" needs module \"mod_proxy_backend_scgi\", which is not loaded; add \"mod_proxy_backend_scgi\" to server.modules",
        ])
        #expect(errors(core + "proxy-core.protocol = \"ajp13\"") == [
            "/srv/site/test.conf:2:23: error: unknown proxy-core.protocol \"ajp13\"; use \"http\", \"fastcgi\" or \"scgi\"",
        ])
    }

    @Test func alwaysLoadedModulesNeedNoListing() {
        #expect(errors("dir-listing.activate = \"enable\"\nindex-file.names = ( \"a\" )\nstatic-file.etags = \"disable\"\nssl.engine = \"disable\"").isEmpty)
    }

    @Test func typesAndRanges() {
        #expect(errors("server.port = \"http\"") == [
            "/srv/site/test.conf:1:15: error: 'server.port' expects an integer, not a string",
        ])
        #expect(errors("server.port = \"8080\"").isEmpty)
        #expect(errors("server.port = 70000") == [
            "/srv/site/test.conf:1:15: error: 'server.port' must be between 0 and 65535, not 70000",
        ])
        #expect(errors("dir-listing.activate = \"yes please\"") == [
            "/srv/site/test.conf:1:24: error: 'dir-listing.activate' expects \"enable\" or \"disable\", not \"yes please\"",
        ])
        #expect(errors("server.modules = ( \"mod_alias\" )\nalias.url = \"/x\"").first?.contains("expects a list of \"key\" => \"value\" pairs, not a string") == true)
        #expect(errors("index-file.names = ( \"a\" => \"b\" )").first?.contains("expects a list of strings") == true)
        #expect(errors("index-file.names = \"index.html\"").isEmpty)
    }

    @Test func scopes() {
        #expect(errors("$HTTP[\"host\"] == \"a\" { server.port = 81 }") == [
            "/srv/site/test.conf:1:24: error: 'server.port' can only be set outside conditions (it applies to the whole server)",
        ])
        #expect(errors("$SERVER[\"socket\"] == \":8443\" { ssl.engine = \"enable\"\n ssl.pemfile = \"/k.pem\" }").isEmpty)
        #expect(errors("$HTTP[\"host\"] == \"a\" { ssl.engine = \"enable\" }").first?.contains("only be set globally or inside $SERVER[\"socket\"]") == true)
    }

    @Test func fiveMistakesGiveFiveLocatedErrorsWithFixes() {
        let text = """
            server.modules = ( "mod_proxy_core", "mod_proxy_backend_http" )
            server.prot = 8080
            server.document-root = 42
            url.rewrite-once = ( "^/a" => "/b" )
            $HTTP["url"] =^ "/proxy" {
              proxy-core.balancer = "sqf"
              proxy-core.max-pool-size = 0
            }
            server.max-worker = 1
            server.max-worker = 2
            """
        let found = errors(text)
        #expect(found == [
            "/srv/site/test.conf:2:1: error: unknown config key 'server.prot'; did you mean 'server.port'?",
            "/srv/site/test.conf:3:24: error: 'server.document-root' expects a string, not an integer",
            "/srv/site/test.conf:4:1: error: 'url.rewrite-once' needs module \"mod_rewrite\", which is not loaded; add \"mod_rewrite\" to server.modules",
            "/srv/site/test.conf:7:30: error: 'proxy-core.max-pool-size' must be between 1 and 100000, not 0",
            "/srv/site/test.conf:10:1: error: 'server.max-worker' is already set in this block (at /srv/site/test.conf:9:1); use '+=' to add to it or ':=' to replace it",
        ])
    }

    @Test func syntaxErrorsAreAllReportedAndRecoveryContinues() {
        let found = errors("""
            server.port = = 80
            server.tag = "a" "b"
            $HTTP["url"] =~ "^/x" {
              server.name = 
            }
            server.max-worker = ( "a" "b" )
            server.document-root = "/ok"
            }
            """)
        #expect(found == [
            "/srv/site/test.conf:1:15: error: expected a value, found '='",
            "/srv/site/test.conf:2:18: error: unexpected string \"b\" after a complete value; join values with '+'",
            "/srv/site/test.conf:4:17: error: missing value",
            "/srv/site/test.conf:6:27: error: expected ',' or ')' in array, found string \"b\"; separate elements with ','",
            "/srv/site/test.conf:8:1: error: '}' without a matching '{'",
        ])
    }

    @Test func listenersFromBindPortAndSocketBlocks() {
        let result = load("""
            server.bind = "127.0.0.1"
            server.port = 8080
            $SERVER["socket"] == ":8443" {
              ssl.engine = "enable"
              ssl.pemfile = "/etc/sluice/cert.pem"
            }
            $SERVER["socket"] == "[::1]:8081" { }
            $SERVER["socket"] == "nonsense" { }
            """)
        #expect(result.config.listeners.map(\.address.description) == ["127.0.0.1:8080", "127.0.0.1:8443", "[::1]:8081"])
        #expect(result.config.listeners[1].tls?.certificateChainFile == "/etc/sluice/cert.pem")
        #expect(result.diagnostics.sorted.map(\.description) == [
            "/srv/site/test.conf:8:22: error: \"nonsense\" is not a socket address; write \":PORT\", \"IP:PORT\", \"[IPv6]:PORT\" or a unix socket path",
        ])
    }

    /// SNI, lighttpd's way: `ssl.pemfile` in `$HTTP["host"]` blocks, per TLS socket (under its socket block, or
    /// globally for every TLS socket). Only host and socket conditions can decide a handshake.
    @Test func hostBlocksChooseCertificatesBySNI() {
        let result = load("""
            server.bind = "127.0.0.1"
            server.port = 8080
            $SERVER["socket"] == ":8443" {
              ssl.engine = "enable"
              ssl.pemfile = "/default.pem"
              $HTTP["host"] == "a.example" { ssl.pemfile = "/a.pem"
                ssl.privkey = "/a.key" }
            }
            $SERVER["socket"] == ":9443" { ssl.engine = "enable"
              ssl.pemfile = "/default.pem" }
            $HTTP["host"] =~ "b\\.example$" { ssl.pemfile = "/b.pem" }
            """)
        #expect(result.diagnostics.sorted.isEmpty, "\(result.diagnostics.sorted)")
        let hosts = result.config.listeners.map { $0.tls?.hostCertificates.map(\.certificateChainFile) ?? [] }
        #expect(hosts == [[], ["/a.pem", "/b.pem"], ["/b.pem"]])
        #expect(result.config.listeners[1].tls?.hostCertificates.first?.privateKeyFile == "/a.key")
        let refused = load("""
            $SERVER["socket"] == ":8443" { ssl.engine = "enable"
              ssl.pemfile = "/default.pem" }
            $HTTP["url"] =^ "/x" { $HTTP["host"] == "c" { ssl.pemfile = "/c.pem" } }
            $HTTP["host"] == "d" { ssl.privkey = "/d.key" }
            $HTTP["host"] == "e" { ssl.cipher-list = "HIGH" }
            """)
        #expect(refused.diagnostics.sorted.map(\.description) == [
            "/srv/site/test.conf:3:47: error: 'ssl.pemfile' can only be set globally or inside $SERVER[\"socket\"] (or, for SNI, inside $HTTP[\"host\"] conditions only)",
            "/srv/site/test.conf:4:24: error: 'ssl.privkey' in a host block needs 'ssl.pemfile' there too; set the host's certificate with ssl.pemfile",
            "/srv/site/test.conf:5:24: error: 'ssl.cipher-list' can only be set globally or inside $SERVER[\"socket\"]",
        ])
        // lighttpd's SNI step also knows the scheme, and a bare else; a host block before the socket block that sets
        // the socket's own certificate is overridden by it (blocks merge in config order).
        let scheme = load("""
            $SERVER["socket"] == ":8443" { ssl.engine = "enable"
              ssl.pemfile = "/default.pem" }
            $HTTP["scheme"] == "https" { $HTTP["host"] == "a" { ssl.pemfile = "/a.pem" } }
            $HTTP["host"] == "b" { } else { $HTTP["host"] == "c" { ssl.pemfile = "/c.pem" } }
            """)
        #expect(scheme.diagnostics.sorted.isEmpty, "\(scheme.diagnostics.sorted)")
        #expect(scheme.config.listeners[1].tls?.hostCertificates.map(\.conditions) == [
            "$HTTP[\"scheme\"] == \"https\" / $HTTP[\"host\"] == \"a\"", "$HTTP[\"host\"] == \"c\"",
        ])
        let early = load("""
            $HTTP["host"] == "b" { ssl.pemfile = "/b.pem" }
            $SERVER["socket"] == ":8443" { ssl.engine = "enable"
              ssl.pemfile = "/default.pem" }
            """)
        #expect(early.diagnostics.sorted.map(\.description) == [
            "/srv/site/test.conf:1:24: error: 'ssl.pemfile' here is overridden by the TLS socket's own certificate, set later in the file (at /srv/site/test.conf:2:1); move this host block after that one",
        ])
        // A socket block that only turns TLS on takes the global certificate: a host block before it is not
        // overridden by it.
        let inherited = load("""
            ssl.pemfile = "/default.pem"
            $HTTP["host"] == "b" { ssl.pemfile = "/b.pem" }
            $SERVER["socket"] == ":8443" { ssl.engine = "enable" }
            """)
        #expect(inherited.diagnostics.sorted.isEmpty, "\(inherited.diagnostics.sorted)")
        #expect(inherited.config.listeners[1].tls?.hostCertificates.map(\.certificateChainFile) == ["/b.pem"])
        let noTLS = load("$HTTP[\"host\"] == \"a\" { ssl.pemfile = \"/a.pem\" }")
        #expect(noTLS.diagnostics.sorted.map(\.description) == [
            "/srv/site/test.conf:1:24: error: 'ssl.pemfile' here applies to no TLS socket; enable ssl.engine on the socket this host is served on",
        ])
    }

    /// lighttpd's usual way to serve TLS on the main port: a socket block naming it. A socket named twice takes
    /// TLS from either block, but not from both.
    @Test func aSocketBlockNamingTheMainSocketOrARepeatedOneGivesItTLS() {
        let main = load("""
            server.bind = "127.0.0.1"
            server.port = 8443
            $SERVER["socket"] == "127.0.0.1:8443" {
              ssl.engine = "enable"
              ssl.pemfile = "/etc/sluice/cert.pem"
            }
            """)
        #expect(main.diagnostics.sorted.isEmpty)
        #expect(main.config.listeners.count == 1)
        #expect(main.config.listeners.first?.tls?.certificateChainFile == "/etc/sluice/cert.pem")
        // The same socket written three ways: one listener, TLS from the first block that sets it. (The same
        // text twice is one block already, as in lighttpd: see EvaluatorTests.)
        let repeated = load("""
            $SERVER["socket"] == ":9443" { }
            $SERVER["socket"] == "*:9443" { ssl.engine = "enable"
              ssl.pemfile = "/a.pem" }
            $SERVER["socket"] == "0.0.0.0:9443" { ssl.engine = "enable"
              ssl.pemfile = "/b.pem" }
            """)
        #expect(repeated.config.listeners.map(\.address.description) == ["0.0.0.0:80", "0.0.0.0:9443"])
        #expect(repeated.config.listeners[1].tls?.certificateChainFile == "/a.pem")
        #expect(repeated.config.listeners[1].blockIndices == [1, 2, 3])
        #expect(repeated.diagnostics.sorted.map(\.description) == [
            "/srv/site/test.conf:4:39: error: TLS for 0.0.0.0:9443 is already set; set ssl.* for a socket in one place",
        ])
    }

    /// "*:443" and "0.0.0.0:443" are the main socket when it listens everywhere; with a unix-socket bind, ":443"
    /// listens everywhere; a certificate named globally serves every socket block turning TLS on.
    @Test func socketAddressesAreComparedAsAddresses() {
        let everywhere = load("""
            server.port = 443
            ssl.pemfile = "/etc/sluice/cert.pem"
            $SERVER["socket"] == "*:443" { ssl.engine = "enable" }
            $SERVER["socket"] == "0.0.0.0:443" { }
            """)
        #expect(everywhere.diagnostics.sorted.isEmpty, "\(everywhere.diagnostics.sorted)")
        #expect(everywhere.config.listeners.count == 1)
        #expect(everywhere.config.listeners[0].blockIndices == [1, 2])
        #expect(everywhere.config.listeners[0].tls?.certificateChainFile == "/etc/sluice/cert.pem")
        let unix = load("""
            server.bind = "/run/sluice.sock"
            $SERVER["socket"] == ":8443" { }
            """)
        #expect(unix.config.listeners.map(\.address.description) == ["unix:/run/sluice.sock", "0.0.0.0:8443"])
    }

    /// lighttpd's grammar, and SPEC §6's TLS example: settings on one line need no separator.
    @Test func settingsMayShareALine() {
        let result = load("""
            server.port = 8080 server.bind = "127.0.0.1"
            $SERVER["socket"] == ":8443" { ssl.engine = "enable" ssl.pemfile = "/etc/x.pem" ssl.privkey = "/etc/x.key" }
            """)
        #expect(result.diagnostics.sorted.isEmpty, "\(result.diagnostics.sorted)")
        #expect(result.config.server.port == 8080 && result.config.server.bind == "127.0.0.1")
        #expect(result.config.listeners.last?.tls?.privateKeyFile == "/etc/x.key")
    }

    @Test func tlsCiphersAndProtocols() {
        let result = load("""
            $SERVER["socket"] == ":8443" {
              ssl.engine = "enable"
              ssl.pemfile = "/etc/x.pem"
              ssl.cipher-list = "ECDHE+AESGCM"
              ssl.openssl.ssl-conf-cmd = ( "MinProtocol" => "TLSv1.2", "MaxProtocol" => "TLSv1.3" )
            }
            """)
        #expect(result.diagnostics.sorted.isEmpty, "\(result.diagnostics.sorted)")
        let tls = result.config.listeners.last?.tls
        #expect(tls?.cipherList == "ECDHE+AESGCM" && tls?.minimumVersion == "TLSv1.2" && tls?.maximumVersion == "TLSv1.3")
        #expect(errors("""
            ssl.engine = "enable"
            ssl.pemfile = "/etc/x.pem"
            ssl.openssl.ssl-conf-cmd = ( "MinProtocol" => "SSLv3", "Options" => "-SessionTicket" )
            """) == [
            "/srv/site/test.conf:3:47: error: MinProtocol \"SSLv3\" is not a TLS protocol; use one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3",
            "/srv/site/test.conf:3:56: error: ssl.openssl.ssl-conf-cmd \"Options\" is not supported; Sluice takes MinProtocol, MaxProtocol and CipherString (BoringSSL fixes the TLS 1.3 suites)",
        ])
    }

    /// A cipher list BoringSSL would refuse at start (swift-nio-ssl then stops the process) is refused at load.
    @Test func cipherListsBoringSSLWouldRefuseAreConfigErrors() {
        func problem(_ list: String) -> String? { TLSSettings.cipherListProblem(list) }
        // Mozilla's intermediate list, and common alias forms.
        #expect(problem("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305") == nil)
        #expect(problem("HIGH:!3DES") == nil)
        #expect(problem("ECDHE+AESGCM:ECDHE+CHACHA20:@STRENGTH") == nil)
        #expect(problem("TLS_AES_256_GCM_SHA384")?.hasPrefix("unknown cipher or alias \"TLS_AES_256_GCM_SHA384\" (TLS 1.3") == true)
        #expect(problem("HIGH:@SECLEVEL=2") == "\"@SECLEVEL=2\" is not supported (only @STRENGTH)")
        #expect(problem("!HIGH") == "selects no cipher")
        #expect(errors("""
            ssl.engine = "enable"
            ssl.pemfile = "/etc/x.pem"
            ssl.cipher-list = "ECDHE-RSA-AES128-GCM-SHA265"
            ssl.openssl.ssl-conf-cmd = ( "MinProtocol" => "TLSv1.3", "MaxProtocol" => "TLSv1.2" )
            """) == [
            "/srv/site/test.conf:1:1: error: MinProtocol TLSv1.3 is above MaxProtocol TLSv1.2: no handshake could succeed",
            "/srv/site/test.conf:3:19: error: cipher list \"ECDHE-RSA-AES128-GCM-SHA265\": unknown cipher or alias \"ECDHE-RSA-AES128-GCM-SHA265\"",
        ])
        // TLS keys in a second block for a socket whose TLS another block sets would not apply.
        #expect(errors("""
            $SERVER["socket"] == ":8443" { ssl.engine = "enable"
              ssl.pemfile = "/etc/x.pem" }
            $SERVER["socket"] == "0.0.0.0:8443" { ssl.cipher-list = "HIGH" }
            """) == [
            "/srv/site/test.conf:3:39: error: 'ssl.cipher-list' here would not apply: this socket's TLS is set in the block with ssl.engine; set the socket's ssl.* keys in one block",
        ])
    }

    @Test func tlsWithoutCertificateIsAnError() {
        #expect(errors("ssl.engine = \"enable\"") == [
            "/srv/site/test.conf:1:1: error: ssl.engine is enabled but ssl.pemfile is not set; set ssl.pemfile (and ssl.privkey if the key is in another file)",
        ])
    }

    @Test func everyKeyHasADocAndAKnownModule() {
        for key in ConfigKeyTable.all {
            #expect(!key.doc.isEmpty, "\(key.name) has no doc")
            #expect(ConfigModules.known.contains(key.module) || key.module == "core", "\(key.name): \(key.module)")
        }
        #expect(ConfigKeyTable.byName.count == ConfigKeyTable.all.count)
    }

    @Test func statCacheEngineValues() {
        #expect(load("").config.server.statCache)
        #expect(!load("server.stat-cache-engine = \"disable\"").config.server.statCache)
        for accepted in ["simple", "fam", "inotify", "kqueue"] {
            let result = load("server.stat-cache-engine = \"\(accepted)\"")
            #expect(result.diagnostics.sorted.isEmpty && result.config.server.statCache, "\(accepted)")
        }
        #expect(errors("server.stat-cache-engine = \"famous\"") == [
            "/srv/site/test.conf:1:28: error: unknown server.stat-cache-engine \"famous\"; use \"simple\" or \"disable\"",
        ])
        #expect(errors("$HTTP[\"host\"] == \"a\" { server.stat-cache-engine = \"disable\" }").first?.contains("can only be set outside conditions") == true)
    }

    @Test func busyPollIsMicrosecondsOfTheWholeServer() {
        #expect(ServerSettings().busyPoll == 0)
        #expect(load("server.busy-poll = 50").config.server.busyPoll == 50)
        #expect(errors("server.busy-poll = 20000") == [
            "/srv/site/test.conf:1:20: error: 'server.busy-poll' must be between 0 and 10000, not 20000",
        ])
        #expect(errors("$HTTP[\"host\"] == \"a\" { server.busy-poll = 50 }").first?.contains("can only be set outside conditions") == true)
    }

    @Test func serverSettingsDefaultsMatchTheKeyTable() {
        let defaults = ServerSettings()
        let documented: [(String, Int)] = [
            ("server.port", defaults.port), ("server.max-connections", defaults.maxConnections),
            ("server.max-request-field-size", defaults.maxRequestFieldSize),
            ("server.max-read-idle", defaults.maxReadIdle), ("server.max-write-idle", defaults.maxWriteIdle),
            ("server.max-keep-alive-requests", defaults.maxKeepAliveRequests),
            ("server.max-keep-alive-idle", defaults.maxKeepAliveIdle),
            ("server.graceful-shutdown-timeout", defaults.gracefulShutdownTimeout),
        ]
        for (name, value) in documented {
            #expect(ConfigKeyTable.key(name)?.defaultText == String(value), "\(name)")
        }
    }
}
