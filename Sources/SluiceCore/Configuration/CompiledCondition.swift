import LighttpdConfig

/// A condition ready to evaluate: the field, and a matcher built once at load time (regexes compiled with
/// PCRE2 JIT, CIDR blocks parsed, `host` values lower-cased as lighttpd compares them).
///
/// A class, like `RewriteRule`: every request's evaluation reads it, and a struct of its strings and matcher was
/// copied (each field retained and released) on every read.
public final class CompiledCondition: Sendable {
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

    init(source: ConfigCondition, matcher: Matcher) {
        self.source = source
        self.matcher = matcher
    }

    public var field: ConditionField { source.field }
    /// `!=` and `!~` invert the result of the matcher.
    public var isNegated: Bool { source.op.isNegated }
    /// `=~` conditions provide `%0`-`%9` to the rewrite, redirect and proxy-core values inside them.
    public var providesCaptures: Bool { source.op == .match }
}

/// One `regex => replacement` rule of `url.rewrite-*`, `url.redirect` or `proxy-core.rewrite-*`.
///
/// A class: the rewrite stage tries rules per request, and copying a struct of regex, template and location
/// retained and released each of them per rule tried.
public final class RewriteRule: Sendable {
    public let regex: CompiledRegex
    public let template: RewriteTemplate
    /// 1-based position in its list, as `explain` prints it ("rule 2").
    public let number: Int
    public let location: SourceLocation

    init(regex: CompiledRegex, template: RewriteTemplate, number: Int, location: SourceLocation) {
        self.regex = regex
        self.template = template
        self.number = number
        self.location = location
    }
}

/// `proxy-core.rewrite-request` / `-response` entry for one header (or `_uri`): the first rule that matches
/// rewrites the value.
public struct HeaderRewrite: Sendable {
    public let header: String
    public let rules: [RewriteRule]
}
