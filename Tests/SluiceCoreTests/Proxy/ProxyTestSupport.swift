import LighttpdConfig

@testable import SluiceCore

/// A compiled `regex => template` rule, numbered as in a config list.
func proxyRule(_ pattern: String, _ template: String, number: Int = 1) throws -> RewriteRule {
    RewriteRule(regex: try CompiledRegex(pattern), template: try RewriteTemplate(template), number: number,
                location: .builtIn)
}

/// `( "Header" => ( regex => template, ... ) )` as `HeaderRewrite`s.
func headerRewrite(_ header: String, _ rules: [(String, String)]) throws -> HeaderRewrite {
    HeaderRewrite(header: header, rules: try rules.enumerated().map { try proxyRule($1.0, $1.1, number: $0 + 1) })
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Header pairs as NIO hands them over (labelled tuples).
func fields(_ pairs: [(String, String)]) -> [(name: String, value: String)] {
    pairs.map { (name: $0.0, value: $0.1) }
}

/// Flattens a header list to `Name: value` lines for readable comparisons.
func lines(_ headers: [(String, String)]) -> [String] {
    headers.map { "\($0.0): \($0.1)" }
}

let proxyTestModules = """
    server.modules = ( "mod_rewrite", "mod_redirect", "mod_proxy_core", "mod_proxy_backend_http" )

    """
