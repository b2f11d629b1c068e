import LighttpdConfig

/// One decision of the stages, recorded for `sluice explain` (and debug logging).
public enum RouteEvent: Sendable {
    case condition(block: Int, result: Bool)
    /// A rewrite rule matched: the target became `result` (`passthrough`: a blank replacement left it alone).
    case rewrite(key: String, rule: RewriteRule, result: [UInt8], passthrough: Bool)
    case redirect(rule: RewriteRule, status: Int, location: [UInt8])
    case failure(status: Int, reason: String)
}

/// The request after the rewrite stage: its final target, the blocks and options that apply, and what to
/// do next.
///
/// A class, fixed once routed: the request handler, the access-log record, the proxy exchange and every rewrite
/// context hold the same one, where a struct of this size (the resolved options alone have dozens of arrays and
/// strings) was copied, field by field, each time.
public final class RoutedRequest: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Go on to auth, then proxy or static files.
        case proceed
        /// Answer with a redirect (`url.redirect`).
        case redirect(status: Int, location: [UInt8])
        /// Answer with an error status (a rewrite loop, a result not starting with `/`, a bad path).
        case fail(status: Int, reason: String)
    }

    /// The target as the client sent it (access log `%r`, reverse mapping).
    public let originalTarget: [UInt8]
    public let facts: RequestFacts
    /// The decoded, normalised path of the final target (`$HTTP["url"]`).
    public let path: [UInt8]
    public let active: ActiveBlocks
    public let options: ResolvedOptions
    public let outcome: Outcome
    /// Paths the request had before a `url.rewrite-if-not-file` rule moved it, with the options then in
    /// effect: lighttpd checks mod_access and `auth.require` before that rewrite (its file check comes after
    /// them) and again after it, so each of these must pass both too (a front-controller rewrite of
    /// `/admin/x` to `/index.php/admin/x` must not skip `/admin`'s protection or a deny rule).
    public let authCheckpoints: [(path: [UInt8], options: ResolvedOptions)]

    public init(
        originalTarget: [UInt8], facts: RequestFacts, path: [UInt8], active: ActiveBlocks, options: ResolvedOptions,
        outcome: Outcome, authCheckpoints: [(path: [UInt8], options: ResolvedOptions)] = []
    ) {
        self.originalTarget = originalTarget
        self.facts = facts
        self.path = path
        self.active = active
        self.options = options
        self.outcome = outcome
        self.authCheckpoints = authCheckpoints
    }

    /// How many paths mod_access and auth check: those of `authCheckpoints`, then the final one.
    public var checkpointCount: Int { authCheckpoints.count + 1 }

    /// Checkpoint `index` (`0..<checkpointCount`), read by index so the usual request builds no array.
    public func checkpoint(_ index: Int) -> (path: [UInt8], options: ResolvedOptions) {
        index < authCheckpoints.count ? authCheckpoints[index] : (path, options)
    }
}

/// Runs the rewrite stage the way lighttpd's mod_rewrite / mod_redirect do:
/// - conditions are evaluated on the current target; after every rewrite they are evaluated again;
/// - once-rules (`url.rewrite-once`, `-final`, `url.rewrite`) are tried before `url.rewrite-repeat`; the
///   first matching regex wins; after a once-rule no rule runs again for the request; a repeat rule runs
///   the set again on the new target; more than `maximumPasses` passes is a 500;
/// - a blank replacement leaves the target alone and stops rewriting (static passthrough);
/// - a result that does not start with `/` is a 500;
/// - `url.rewrite-if-not-file` rules apply only when the target does not name a regular file, after
///   `url.redirect` (lighttpd's file check comes after mod_redirect and mod_auth; the path before such a
///   rewrite is kept for the access and auth checks, `RoutedRequest.authCheckpoints`);
/// - `url.redirect` runs before or after the rewrite rules as `server.modules` orders the two modules.
public struct RequestRouter: Sendable {
    public let site: Site
    private let evaluator: ConditionEvaluator
    private let redirectFirst: Bool
    /// `server.name`: the authority of `${url.authority}` and redirects when a request has no Host.
    private let serverName: String

    /// lighttpd's guard against rewrite loops ("ENDLESS LOOP IN rewrite-rule DETECTED").
    public static let maximumPasses = 100

    public init(site: Site) {
        self.site = site
        self.evaluator = ConditionEvaluator(site: site)
        let modules = site.config.global["server.modules"]?.value.stringListValue ?? []
        let redirect = modules.firstIndex(of: "mod_redirect"), rewrite = modules.firstIndex(of: "mod_rewrite")
        self.redirectFirst = redirect != nil && (rewrite == nil || redirect! < rewrite!)
        self.serverName = site.config.global["server.name"]?.value.string ?? ""
    }

    /// Routes a request. `isRegularFile` answers for `-if-not-file` rules (given the target's raw path and
    /// the blocks in effect, which give the document root); `trace` receives every decision when set.
    public func route(
        _ facts: RequestFacts, headers: some HeaderLookup,
        isRegularFile: ((_ rawPath: ArraySlice<UInt8>, _ active: ActiveBlocks) -> Bool)? = nil,
        trace: ((RouteEvent) -> Void)? = nil
    ) -> RoutedRequest {
        var facts = facts
        let original = facts.target
        var onceDone = false
        var passes = 0
        var authCheckpoints: [(path: [UInt8], options: ResolvedOptions)] = []
        let conditionTrace: ((ConditionEvaluator.Evaluation) -> Void)? =
            trace.map { emit in { emit(.condition(block: $0.block, result: $0.result)) } }
        while true {
            guard let path = ConditionPath.decode(target: facts.target) else {
                let failed = fail(400, "the request path cannot be decoded", trace)
                return RoutedRequest(
                    originalTarget: original, facts: facts, path: [], active: evaluator.evaluate(facts, path: [], headers: headers),
                    options: ResolvedOptions(), outcome: failed)
            }
            let active = evaluator.evaluate(facts, path: path, headers: headers, trace: conditionTrace)
            // Looked up when the site lists this set of blocks; otherwise a pass that rewrites is followed by
            // another, so the rest of the options are resolved only for the last one.
            let listed = site.listedOptions(for: active)
            let rewrites = listed?.rewrites ?? ResolvedRewrites(options: site.options, active: active.blocks)
            func finish(_ outcome: RoutedRequest.Outcome) -> RoutedRequest {
                // lighttpd 1.4's proxy.server: the key is chosen by the (rewritten, decoded) path.
                let options =
                    (listed
                    ?? ResolvedOptions(
                        options: site.options, active: active.blocks, rewrites: rewrites, choosingServers: false))
                    .choosingProxyServer(path: path)
                return RoutedRequest(
                    originalTarget: original, facts: facts, path: path, active: active, options: options,
                    outcome: outcome, authCheckpoints: authCheckpoints)
            }
            if redirectFirst, let redirect = redirect(facts, rewrites: rewrites, active: active, trace: trace) {
                return finish(redirect)
            }
            if !onceDone && rewrites.hasRewriteRules {
                var applied = apply(rewrites, to: &facts, active: active, trace: trace)
                if applied == nil,
                    rewrites.ifNotFile != nil || rewrites.repeatIfNotFile != nil,
                    !(isRegularFile?(facts.rawPath, active) ?? false)
                {
                    // lighttpd's order: url.redirect, then auth, then the file check and its rewrite.
                    if !redirectFirst, let redirect = redirect(facts, rewrites: rewrites, active: active, trace: trace) {
                        return finish(redirect)
                    }
                    let before = path
                    applied = applyIfNotFile(rewrites, to: &facts, active: active, trace: trace)
                    if case .some(.rewritten) = applied {
                        let options =
                            listed ?? ResolvedOptions(
                                options: site.options, active: active.blocks, rewrites: rewrites, choosingServers: false)
                        if options.authPolicy != nil || !options.files.accessRules.isEmpty {
                            authCheckpoints.append((before, options))
                        }
                    }
                }
                switch applied {
                case .none:
                    break
                case .some(.stop):
                    onceDone = true
                case .some(.invalid(let result)):
                    return finish(
                        fail(500, "rewrite result \"\(String(decoding: result, as: UTF8.self))\" does not start with '/'", trace))
                case .some(.rewritten(let once)):
                    if once { onceDone = true }
                    passes += 1
                    if passes > RequestRouter.maximumPasses {
                        return finish(fail(500, "rewrite loop: more than \(RequestRouter.maximumPasses) passes", trace))
                    }
                    continue
                }
            }
            if !redirectFirst, let redirect = redirect(facts, rewrites: rewrites, active: active, trace: trace) {
                return finish(redirect)
            }
            return finish(.proceed)
        }
    }

    private enum Applied {
        case rewritten(once: Bool)
        /// A blank replacement matched: leave the target and stop rewriting.
        case stop
        case invalid([UInt8])
    }

    private func fail(_ status: Int, _ reason: String, _ trace: ((RouteEvent) -> Void)?) -> RoutedRequest.Outcome {
        trace?(.failure(status: status, reason: reason))
        return .fail(status: status, reason: reason)
    }

    /// Tries the once-rules, then the repeat rules; the first matching rule decides.
    private func apply(
        _ rewrites: ResolvedRewrites, to facts: inout RequestFacts, active: ActiveBlocks, trace: ((RouteEvent) -> Void)?
    ) -> Applied? {
        for set in rewrites.once {
            if let applied = apply(set, once: true, to: &facts, active: active, trace: trace) { return applied }
        }
        guard let set = rewrites.repeating else { return nil }
        return apply(set, once: false, to: &facts, active: active, trace: trace)
    }

    /// `url.rewrite-if-not-file`, then `url.rewrite-repeat-if-not-file`.
    private func applyIfNotFile(
        _ rewrites: ResolvedRewrites, to facts: inout RequestFacts, active: ActiveBlocks, trace: ((RouteEvent) -> Void)?
    ) -> Applied? {
        if let set = rewrites.ifNotFile, let applied = apply(set, once: true, to: &facts, active: active, trace: trace) {
            return applied
        }
        guard let set = rewrites.repeatIfNotFile else { return nil }
        return apply(set, once: false, to: &facts, active: active, trace: trace)
    }

    /// Tries the rules of one set in order; the first matching rule decides.
    private func apply(
        _ set: RuleSet, once: Bool, to facts: inout RequestFacts, active: ActiveBlocks, trace: ((RouteEvent) -> Void)?
    ) -> Applied? {
        let condition = site.captureBlocks[set.block].flatMap { active.captures(of: $0) }
        for rule in set.rules {
            guard let result = render(rule, facts: facts, condition: condition) else { continue }
            if rule.template.isBlank {
                trace?(.rewrite(key: set.key, rule: rule, result: facts.target, passthrough: true))
                return .stop
            }
            trace?(.rewrite(key: set.key, rule: rule, result: result, passthrough: false))
            guard result.first == UInt8(ascii: "/") else { return .invalid(result) }
            facts.target = result
            return .rewritten(once: once)
        }
        return nil
    }

    private func redirect(
        _ facts: RequestFacts, rewrites: ResolvedRewrites, active: ActiveBlocks, trace: ((RouteEvent) -> Void)?
    ) -> RoutedRequest.Outcome? {
        guard let set = rewrites.redirect else { return nil }
        let condition = site.captureBlocks[set.block].flatMap { active.captures(of: $0) }
        for rule in set.rules {
            guard let location = render(rule, facts: facts, condition: condition) else { continue }
            if rule.template.isBlank { return nil }  // blank: no redirect, stop trying (lighttpd)
            let status = rewrites.redirectCode ?? (facts.method == "GET" || facts.method == "HEAD" ? 301 : 308)
            trace?(.redirect(rule: rule, status: status, location: location))
            return .redirect(status: status, location: location)
        }
        return nil
    }

    /// Matches `rule` against the target and renders its replacement; nil when it does not match.
    func render(_ rule: RewriteRule, facts: RequestFacts, condition: Captures?) -> [UInt8]? {
        var scheme = facts.scheme, host = facts.host.isEmpty ? serverName : facts.host
        return facts.target.withUnsafeBufferPointer { target in
            guard let match = rule.regex.firstMatch(in: target) else { return nil }
            if rule.template.isBlank { return [] }
            return scheme.withUTF8 { schemeBytes in
                host.withUTF8 { hostBytes in
                    let (path, query) = RewriteInput.splitTarget(target)
                    let input = RewriteInput(
                        subject: target, match: match, condition: condition, scheme: schemeBytes,
                        authority: hostBytes, port: facts.localPort, path: path, query: query)
                    var output: [UInt8] = []
                    output.reserveCapacity(target.count + 16)
                    rule.template.render(input, into: &output)
                    return output
                }
            }
        }
    }
}
