/// The request-target sent to the backend and what it implies for the reverse map.
///
/// The `"_uri"` rules of `proxy-core.rewrite-request` (lighttpd 1.5 mod_proxy_core) rewrite the target left by
/// the rewrite stage: the first rule whose regex matches renders the backend's target; when none matches the
/// target goes unchanged. Nothing is decoded or re-encoded on the way (SPEC §3): only what the template
/// replaces changes, byte for byte.
///
/// The target must stay origin-form (RFC 9112 §3.2.1: `absolute-path [ "?" query ]`), so a stripped prefix
/// that leaves nothing becomes `/` and one that leaves only a query becomes `/?query` (SPEC §4: `/app` and
/// `/app?x=1` with `"^/app(.*)" => "$1"` reach the backend as `/` and `/?x=1`). Any other result that does not
/// start with `/` is a configuration mistake, reported as an error (the caller answers 500, as the rewrite stage
/// does for its own rules) rather than guessed at.
public struct BackendTarget: Sendable {
    /// `METHOD <target> HTTP/1.1`.
    public var target: [UInt8]
    /// The `_uri` rule that produced it (for `explain` and debug logs), nil when none matched.
    public var rule: RewriteRule?
    /// Client prefix ↔ backend prefix, for `X-Forwarded-Prefix` and the reverse map.
    public var mapping: PathMapping

    /// `X-Forwarded-Prefix` (SPEC §4): what the client's path had before the part the backend received; empty
    /// (no header) when the backend sees the client's own paths.
    public var forwardedPrefix: [UInt8] { mapping.clientPrefix }

    public init(target: [UInt8], rule: RewriteRule? = nil, mapping: PathMapping = PathMapping()) {
        self.target = target
        self.rule = rule
        self.mapping = mapping
    }

    /// Applies `rules` to `target` (the target after the rewrite stage) and derives the mapping against
    /// `clientTarget` (the target as the client sent it, before `url.rewrite*`).
    /// `pathMappings` (lighttpd 1.4's `map-urlpath`): each rule's own prefixes, used for the matched one.
    public static func resolve(
        clientTarget: [UInt8], target: [UInt8], rules: [RewriteRule]?, pathMappings: [PathMapping]? = nil,
        context: RewriteContext
    ) throws(BackendTargetError) -> BackendTarget {
        var result = target
        var matched: RewriteRule?
        var matchedMapping: PathMapping?
        if let rules, !rules.isEmpty {
            var output: [UInt8] = []
            output.reserveCapacity(target.count + 1)
            let index = target.withUnsafeBufferPointer { subject in
                context.renderFirstMatch(rules, subject: subject, into: &output)
            }
            if let index {
                matched = rules[index]
                result = try originForm(output)
                if let pathMappings, pathMappings.indices.contains(index) { matchedMapping = pathMappings[index] }
            }
        }
        let mapping =
            matchedMapping
            ?? PathMapping(
                clientPath: PathMapping.path(ofTarget: clientTarget), backendPath: PathMapping.path(ofTarget: result))
        return BackendTarget(target: result, rule: matched, mapping: mapping)
    }

    /// The backend target of a request the router proxies: its `_uri` rules (the last matching block's), with
    /// `%n` bound to that block's enclosing regex condition.
    public static func resolve(_ routed: RoutedRequest, site: Site) throws(BackendTargetError) -> BackendTarget {
        let set = routed.options.proxy.uriRewrite
        return try resolve(
            clientTarget: routed.originalTarget, target: routed.facts.target, rules: set?.rules,
            pathMappings: set?.pathMappings, context: RewriteContext(routed, site: site, block: set?.block))
    }

    /// `""` → `/`, `?q` → `/?q`; anything else must already start with `/`.
    static func originForm(_ rendered: [UInt8]) throws(BackendTargetError) -> [UInt8] {
        switch rendered.first {
        case nil:
            return [UInt8(ascii: "/")]
        case UInt8(ascii: "/"):
            return rendered
        case UInt8(ascii: "?"):
            return [UInt8(ascii: "/")] + rendered
        default:
            throw .notOriginForm(rendered)
        }
    }
}

/// A `_uri` rule rendered something no backend may receive as a request-target.
public struct BackendTargetError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case notOriginForm
    }

    private let code: Code
    /// The rendered bytes.
    public let result: [UInt8]

    /// The result neither is empty nor starts with `/` or `?`.
    public static func notOriginForm(_ result: [UInt8]) -> BackendTargetError {
        BackendTargetError(code: .notOriginForm, result: result)
    }

    /// The status to answer with: the configuration is at fault.
    public var status: Int { 500 }

    public var description: String {
        switch code {
        case .notOriginForm:
            return "proxy-core.rewrite-request \"_uri\" result \"\(String(decoding: result, as: UTF8.self))\" does not start with '/'"
        }
    }
}
