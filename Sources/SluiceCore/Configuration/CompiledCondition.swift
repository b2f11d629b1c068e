import LighttpdConfig

/// A condition ready to evaluate: the field, and a matcher built once at load time (regexes compiled with
/// PCRE2 JIT, CIDR blocks parsed, `host` values lower-cased as lighttpd compares them).
public struct CompiledCondition: Sendable {
    public enum Matcher: Sendable {
        case equal([UInt8])
        case prefix([UInt8])
        case suffix([UInt8])
        case regex(CompiledRegex)
        /// `$HTTP["remoteip"] == "10.0.0.0/8"` (or a single address).
        case cidr(CIDRBlock)
    }

    public let source: ConfigCondition
    public let matcher: Matcher

    public var field: ConditionField { source.field }
    /// `!=` and `!~` invert the result of the matcher.
    public var isNegated: Bool { source.op.isNegated }
    /// `=~` conditions provide `%0`-`%9` to the rewrite, redirect and proxy-core values inside them.
    public var providesCaptures: Bool { source.op == .match }
}

/// One `regex => replacement` rule of `url.rewrite-*`, `url.redirect` or `proxy-core.rewrite-*`.
public struct RewriteRule: Sendable {
    public let regex: CompiledRegex
    public let template: RewriteTemplate
    /// 1-based position in its list, as `explain` prints it ("rule 2").
    public let number: Int
    public let location: SourceLocation
}

/// `proxy-core.rewrite-request` / `-response` entry for one header (or `_uri`): the first rule that matches
/// rewrites the value.
public struct HeaderRewrite: Sendable {
    public let header: String
    public let rules: [RewriteRule]
}
