import Testing
@testable import LighttpdConfig

@Suite struct PrinterTests {
    let text = """
        var.base = "/srv"
        server.modules = ( "mod_rewrite", "mod_proxy_core", "mod_proxy_backend_http" )
        server.document-root = base + "/htdocs"
        url.rewrite-once = ( "^/static/.*" => "", "(.*)" => "/proxy$1" )
        $HTTP["url"] =^ "/proxy" {
          proxy-core.backends = ( "127.0.0.1:3001" )
          proxy-core.backends += ( "127.0.0.1:3002" )
          proxy-core.rewrite-request = ( "_uri" => ( "^/proxy(.*)" => "$1" ) )
        } else $HTTP["host"] == "say \\"hi\\"" {
          server.tag = "x"
        } else {
          server.tag = "y"
        }
        """

    @Test func printsResolvedValuesAndBlocks() {
        let printed = ConfigPrinter.print(load(text).config)
        #expect(printed.contains("server.document-root = \"/srv/htdocs\""))
        #expect(!printed.contains("var.base"))
        #expect(printed.contains("$HTTP[\"url\"] =^ \"/proxy\" {"))
        #expect(printed.contains("} else $HTTP[\"host\"] == \"say \\\"hi\\\"\" {"))
        #expect(printed.contains("} else {"))
        #expect(printed.contains("\"127.0.0.1:3001\",\n    \"127.0.0.1:3002\""))
    }

    @Test func printedConfigLoadsToTheSameBlocks() {
        let first = load(text)
        #expect(first.diagnostics.isEmpty)
        let printed = ConfigPrinter.print(first.config)
        let second = load(printed)
        #expect(second.diagnostics.isEmpty, "\(second.diagnostics.sorted)")
        #expect(second.config.blocks.count == first.config.blocks.count)
        for (a, b) in zip(first.config.blocks, second.config.blocks) {
            #expect(a.condition?.description == b.condition?.description)
            #expect(a.previousBranch == b.previousBranch && a.parent == b.parent)
            let keysA = a.orderedSettings.filter { !$0.key.hasPrefix("var.") }
            let keysB = b.orderedSettings.filter { !$0.key.hasPrefix("var.") }
            #expect(keysA.map(\.key) == keysB.map(\.key))
            #expect(keysA.map { ConfigPrinter.format($0.value, indent: "") } == keysB.map { ConfigPrinter.format($0.value, indent: "") })
        }
    }
}
