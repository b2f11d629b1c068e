import Testing
@testable import LighttpdConfig

/// Random and mutated configs through the lexer, parser, evaluator and validator: never a crash or a hang,
/// only located errors. Bounded in count; the generator is seeded, so a failure reproduces.
@Suite struct FuzzTests {
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seed = """
        var.basedir = "/srv"
        server.port = 8080
        server.modules = ( "mod_rewrite", "mod_proxy_core", "mod_proxy_backend_http", "mod_auth", "mod_authn_file" )
        server.document-root = basedir + "/htdocs"
        include "conf.d/*.conf"
        url.rewrite-once = ( "^/static/.*" => "", "(.*)" => "/proxy$1" )
        $HTTP["url"] =^ "/proxy" {
          proxy-core.backends = ( "127.0.0.1:3001", "[::1]:3002" )
          proxy-core.rewrite-request = ( "_uri" => ( "^/proxy(.*)" => "$1" ) )
          $HTTP["host"] =~ "^(www)\\." { server.tag = "%1" } else { server.tag += "x" }
        } elif $REQUEST_HEADER["X-A"] != "" { auth.require = ( "/p" => ( "realm" => "r" ) ) }
        global { server.max-worker := 2 }
        """

    static let fragments = [
        "\"", "(", ")", "{", "}", "[", "]", "$HTTP", "=>", "=", "+=", ":=", "+", ",", "\n", "#", "else", "include",
        "include_shell", "global", "\\\"", "var.x", "env.Y", "9999999999999", "\u{00A0}", "\0", "\r\n", "==", "=~",
        "$SERVER[\"socket\"] == \":1\" {", "server.port", "é", "\u{FFFD}", "((((((((((((",
    ]

    private func check(_ text: String) {
        // include_shell never runs anything here: the in-memory environment only knows one command.
        var env = InMemoryEnvironment()
        env.files["/srv/site/conf.d/a.conf"] = "server.tag = \"a\""
        let result = ConfigLoader.load(text: text, file: "/srv/site/fuzz.conf", environment: env)
        for diagnostic in result.diagnostics.all {
            #expect(!diagnostic.message.isEmpty)
            #expect(diagnostic.location.line >= 1 || diagnostic.location == .builtIn, "\(diagnostic)")
            #expect(diagnostic.location.column >= 1 || diagnostic.location == .builtIn, "\(diagnostic)")
        }
        _ = ConfigPrinter.print(result.config)
    }

    @Test func mutatedConfigsGiveOnlyLocatedErrors() {
        var rng = SplitMix64(state: 0x5EED_CAFE)
        let base = Array(FuzzTests.seed.utf8)
        for _ in 0..<1500 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let at = Int.random(in: 0...bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0 where !bytes.isEmpty:
                    bytes.remove(at: min(at, bytes.count - 1))
                case 1:
                    bytes.insert(contentsOf: Array(FuzzTests.fragments.randomElement(using: &rng)!.utf8), at: at)
                case 2 where !bytes.isEmpty:
                    bytes[min(at, bytes.count - 1)] = UInt8.random(in: 0...255, using: &rng)
                default:
                    let from = Int.random(in: 0..<bytes.count, using: &rng)
                    let length = Int.random(in: 0...min(40, bytes.count - from), using: &rng)
                    bytes.insert(contentsOf: bytes[from..<(from + length)], at: at)
                }
            }
            check(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func randomTokenSoupGivesOnlyLocatedErrors() {
        var rng = SplitMix64(state: 42)
        for _ in 0..<1500 {
            var text = ""
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                text += FuzzTests.fragments.randomElement(using: &rng)! + (Bool.random(using: &rng) ? " " : "")
            }
            check(text)
        }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        check(String(repeating: "(", count: 100_000))
        check("a = " + String(repeating: "(", count: 10_000) + String(repeating: ")", count: 10_000))
        check(String(repeating: "$HTTP[\"url\"] == \"/\" {\n", count: 5_000))
        check(String(repeating: "}", count: 5_000))
    }
}
