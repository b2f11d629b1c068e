import Testing
@testable import LighttpdConfig

@Suite struct EvaluatorTests {
    @Test func variablesConcatenationAndBareNames() throws {
        let result = load("""
            var.basedir = "/srv"
            logdir = var.basedir + "/log"
            server.document-root = basedir + "/htdocs"
            server.errorlog = logdir + "/error.log"
            server.port = 8000 + 80
            server.tag = "port " + 8080
            """)
        #expect(result.diagnostics.isEmpty)
        let global = result.config.global
        #expect(global["server.document-root"]?.value.string == "/srv/htdocs")
        #expect(global["server.errorlog"]?.value.string == "/srv/log/error.log")
        #expect(global["server.port"]?.value.integer == 8080)
        #expect(global["server.tag"]?.value.string == "port 8080")
    }

    @Test func predefinedCWDPIDAndEnvironment() {
        var env = InMemoryEnvironment()
        env.variables["APP_PORT"] = "3001"
        let result = load("server.document-root = var.CWD + \"/etc\"\nserver.tag = \"pid \" + var.PID + \" \" + env.APP_PORT", environment: env)
        #expect(result.diagnostics.isEmpty)
        #expect(result.config.global["server.document-root"]?.value.string == "/srv/site/etc")
        #expect(result.config.global["server.tag"]?.value.string == "pid 4242 3001")
    }

    @Test func unsetEnvironmentAndUndefinedVariablesAreErrors() {
        #expect(errors("server.tag = env.NOPE") == [
            "/srv/site/test.conf:1:14: error: environment variable 'NOPE' is not set",
        ])
        #expect(errors("var.basedir = \"/x\"\nserver.tag = var.basedr") == [
            "/srv/site/test.conf:2:14: error: 'var.basedr' is not defined before this point; did you mean 'var.basedir'?",
        ])
        #expect(errors("env.X = \"1\"").first?.contains("environment variables cannot be assigned") == true)
    }

    @Test func appendForceAndDuplicates() {
        let result = load("""
            \(modulesLine)index-file.names = ( "index.html" )
            index-file.names += ( "index.htm" )
            server.port = 80
            server.port := 81
            server.max-worker = 1
            server.max-worker += 2
            """)
        #expect(result.diagnostics.isEmpty)
        #expect(result.config.global["index-file.names"]?.value.stringListValue == ["index.html", "index.htm"])
        #expect(result.config.global["server.port"]?.value.integer == 81)
        #expect(result.config.global["server.max-worker"]?.value.integer == 3)
        #expect(errors("server.port = 80\nserver.port = 81") == [
            "/srv/site/test.conf:2:1: error: 'server.port' is already set in this block (at /srv/site/test.conf:1:1); use '+=' to add to it or ':=' to replace it",
        ])
    }

    @Test func appendInsideBlockStartsFromEnclosingValue() throws {
        let result = load("""
            \(modulesLine)index-file.names = ( "index.html" )
            $HTTP["host"] == "a.example" {
              index-file.names += ( "default.htm" )
            }
            """)
        #expect(result.diagnostics.isEmpty)
        #expect(result.config.blocks.count == 2)
        #expect(result.config.blocks[1]["index-file.names"]?.value.stringListValue == ["index.html", "default.htm"])
        #expect(result.config.global["index-file.names"]?.value.stringListValue == ["index.html"])
    }

    @Test func mergeTypeMismatchesAreErrors() {
        #expect(errors("server.port = 80 + \"x\"").first?.contains("cannot add a string to an integer") == true)
        #expect(errors("index-file.names = ( \"a\" ) + \"b\"").first?.contains("wrap it in parentheses") == true)
        #expect(errors("mimetype.assign = ( \".a\" => \"x\", \".a\" => \"y\" )").first?.contains("duplicate key \".a\"") == true)
    }

    @Test func includesAreRelativeToTheIncludingFileAndGlob() {
        var env = InMemoryEnvironment()
        env.files["/srv/site/conf.d/a.conf"] = "server.tag = \"a\""
        env.files["/srv/site/conf.d/b.conf"] = "server.name = \"b\"\ninclude \"../sub/c.conf\""
        env.files["/srv/site/sub/c.conf"] = "server.max-worker = 2"
        let result = load("include \"conf.d/*.conf\"\ninclude \"conf.d/none-*.conf\"", environment: env)
        #expect(result.diagnostics.isEmpty)
        #expect(result.config.global["server.tag"]?.value.string == "a")
        #expect(result.config.global["server.name"]?.value.string == "b")
        #expect(result.config.global["server.max-worker"]?.value.integer == 2)
        #expect(result.config.files == [
            "/srv/site/test.conf", "/srv/site/conf.d/a.conf", "/srv/site/conf.d/b.conf", "/srv/site/conf.d/../sub/c.conf",
        ])
        #expect(result.config.global["server.max-worker"]?.location.file == "/srv/site/conf.d/../sub/c.conf")
    }

    @Test func missingIncludesAndLoopsAreLocatedErrors() {
        #expect(errors("\ninclude \"missing.conf\"") == [
            "/srv/site/test.conf:2:1: error: include: cannot open \"/srv/site/missing.conf\": No such file or directory",
        ])
        var env = InMemoryEnvironment()
        env.files["/srv/site/loop.conf"] = "include \"loop.conf\""
        #expect(errors("include \"loop.conf\"", environment: env).first?.contains("includes nested more than 16 deep") == true)
    }

    @Test func includeShellParsesTheCommandsOutput() {
        var env = InMemoryEnvironment()
        env.shellOutputs["echo conf"] = "server.port = 9000\nserver.tag = bogus"
        let result = load("include_shell \"echo conf\"", environment: env)
        #expect(result.config.global["server.port"]?.value.integer == 9000)
        #expect(result.diagnostics.sorted.map(\.description) == [
            "include_shell \"echo conf\":2:14: error: 'var.bogus' is not defined before this point",
        ])
        #expect(errors("include_shell \"false\"", environment: env).first?.contains("exited with status 127") == true)
    }

    /// What an include_shell prints is read as if written in the including file: its relative includes are
    /// relative to that file's directory (Debian's include-conf-enabled script prints `include "conf-enabled/..."`).
    @Test func anIncludePrintedByIncludeShellIsRelativeToTheIncludingFile() {
        var env = InMemoryEnvironment()
        env.shellOutputs["list-enabled"] = "include \"conf-enabled/10-a.conf\"\n"
        env.files["/srv/site/conf-enabled/10-a.conf"] = "server.tag = \"from conf-enabled\""
        let result = load("include_shell \"list-enabled\"", environment: env)
        #expect(result.diagnostics.sorted.isEmpty, "\(result.diagnostics.sorted)")
        #expect(result.config.global["server.tag"]?.value.string == "from conf-enabled")
    }

    /// lighttpd keeps one context per condition: a vhost block repeated (say, in an include file) adds to the
    /// first, `+=` appending and `=` twice refused as in one block.
    @Test func aRepeatedConditionAddsToTheFirstBlock() {
        let result = load("""
            $HTTP["host"] == "a.example" { server.tag = "a" }
            $HTTP["url"] =^ "/x" { dir-listing.activate = "enable" }
            $HTTP["host"] == "a.example" { index-file.names += ( "start.html" ) }
            """)
        #expect(result.diagnostics.sorted.isEmpty, "\(result.diagnostics.sorted)")
        #expect(result.config.blocks.count == 3)
        #expect(result.config.blocks[1]["server.tag"]?.value.string == "a")
        #expect(result.config.blocks[1]["index-file.names"]?.value.stringListValue?.last == "start.html")
        let twice = errors("""
            $HTTP["host"] == "a.example" { server.tag = "a" }
            $HTTP["host"] == "a.example" { server.tag = "b" }
            """)
        #expect(twice.count == 1 && twice.first?.contains("/srv/site/test.conf:2:") == true, "\(twice)")
        // A different operator or value is another condition; an else chain is never merged.
        #expect(load("""
            $HTTP["host"] == "a.example" { server.tag = "a" }
            $HTTP["host"] =~ "a.example" { server.tag = "b" }
            $HTTP["host"] == "a.example" { server.tag = "n" } else { server.tag = "m" }
            """).config.blocks.count == 5)
    }

    /// Sluice decides the file after the conditions: a $PHYSICAL condition could never match, so it is refused.
    @Test func physicalPathConditionsAreRefused() {
        #expect(errors("$PHYSICAL[\"path\"] =~ \"\\.php$\" { server.tag = \"x\" }") == [
            "/srv/site/test.conf:1:2: error: conditions on $PHYSICAL[\"path\"] are not supported; condition on $HTTP[\"url\"] instead (the document root and alias.url map it to the file)",
        ])
    }

    @Test func conditionalChainsBecomeLinkedBlocks() throws {
        let result = load("""
            \(modulesLine)$HTTP["host"] == "a" {
              server.document-root = "/a"
              $HTTP["url"] =^ "/x" { server.document-root = "/ax" }
            } else $HTTP["host"] =~ "^b" {
              server.document-root = "/b"
            } elseif $HTTP["scheme"] == "https" { server.document-root = "/s" }
            else { server.document-root = "/other" }
            $REQUEST_HEADER["X-Debug"] != "" { server.tag = "debug" }
            """)
        #expect(result.diagnostics.isEmpty)
        let blocks = result.config.blocks
        #expect(blocks.count == 7)
        #expect(blocks[1].condition?.field == .host && blocks[1].previousBranch == nil)
        #expect(blocks[2].parent == 1 && blocks[2].condition?.op == .prefix)
        #expect(blocks[3].previousBranch == 1 && blocks[3].condition?.op == .match)
        #expect(blocks[4].previousBranch == 3 && blocks[4].condition?.field == .scheme)
        #expect(blocks[5].previousBranch == 4 && blocks[5].condition == nil)
        #expect(blocks[5]["server.document-root"]?.value.string == "/other")
        #expect(blocks[6].condition?.field == .requestHeader("X-Debug") && blocks[6].condition?.op == .notEqual)
    }

    @Test func unreachableElseAndBadConditionsAreErrors() {
        let e = errors("""
            $HTTP["host"] == "a" { } else { } else $HTTP["url"] == "/" { }
            $HTTP["hots"] == "x" { }
            $SERVER["socket"] =~ ":80" { }
            $HTTP["remoteip"] =~ "10.0.0.0/8" { }
            $HTP["url"] == "/" { }
            """)
        #expect(e == [
            "/srv/site/test.conf:1:35: error: unreachable condition following the 'else' catch-all at /srv/site/test.conf:1:26",
            "/srv/site/test.conf:2:7: error: unknown field $HTTP[\"hots\"]; did you mean \"host\"?",
            "/srv/site/test.conf:3:19: error: $SERVER[\"socket\"] only supports '=='; write $SERVER[\"socket\"] == \":80\"",
            "/srv/site/test.conf:4:19: error: a CIDR mask (\"10.0.0.0/8\") is only allowed with '==' and '!='",
            "/srv/site/test.conf:5:2: error: unknown condition $HTP; did you mean $HTTP?",
        ])
    }

    @Test func globalBlockReentersTheGlobalScope() {
        let result = load("global {\n  server.tag = \"g\"\n}\n$HTTP[\"host\"] == \"a\" { global { server.name = \"x\" } }")
        #expect(result.config.global["server.tag"]?.value.string == "g")
        #expect(result.diagnostics.sorted.first?.message == "'global' blocks are only allowed outside conditions")
    }
}
