import LighttpdConfig

/// `sluice explain`: one request through the same stage code the server runs (conditions, rewrite,
/// redirect, auth, `_uri`, balancer choice), recorded step by step. It contacts no backend and reads no file
/// other than `stat`s for `-if-not-file` rules and static files.
public struct ExplainReport: Sendable {
    /// One line of the report: its kind (`request`, `cond`, `rewrite`, ...), the text after it, and the same
    /// facts as fields for `--json`.
    public struct Step: Sendable {
        public var kind: String
        public var text: String
        public var fields: [(String, String)]
    }

    public var steps: [Step] = []

    /// Aligned text, one step per line (SPEC §7).
    public var text: String {
        steps.map { $0.kind + String(repeating: " ", count: max(1, 10 - $0.kind.count)) + $0.text }
            .joined(separator: "\n")
    }

    /// The same as one JSON object: `{"steps": [{"kind": ..., ...}, ...]}`.
    public var json: String {
        let items = steps.map { step -> String in
            let fields = [("kind", step.kind)] + step.fields
            return "{" + fields.map { "\"\(JSONText.escape($0.0))\": \"\(JSONText.escape($0.1))\"" }.joined(separator: ", ") + "}"
        }
        return "{\"steps\": [\n  " + items.joined(separator: ",\n  ") + "\n]}"
    }

    mutating func add(_ kind: String, _ text: String, _ fields: [(String, String)]) {
        steps.append(Step(kind: kind, text: text, fields: fields))
    }
}

public enum Explainer {
    /// Explains `facts` (and `headers`) against `site`.
    public static func explain(_ facts: RequestFacts, headers: some HeaderLookup, site: Site, isRegularFile: ((ArraySlice<UInt8>, ActiveBlocks) -> Bool)? = nil) -> ExplainReport {
        var report = ExplainReport()
        let target = String(decoding: facts.target, as: UTF8.self)
        report.add("request", "\(facts.method) \(target)  host=\(facts.host.isEmpty ? "(none)" : facts.host)",
                   [("method", facts.method), ("target", target), ("host", facts.host)])
        let router = RequestRouter(site: site)
        var events: [RouteEvent] = []
        let routed = router.route(facts, headers: headers, isRegularFile: isRegularFile, trace: { events.append($0) })
        for event in events {
            switch event {
            case .condition(let block, let result):
                let condition = site.config.blocks[block].condition?.description ?? "else"
                report.add("cond", "\(condition)  \(result)", [("condition", condition), ("result", String(result))])
            case .rewrite(let key, let rule, let result, let passthrough):
                let resultText = String(decoding: result, as: UTF8.self)
                let shown = passthrough ? "(unchanged, stop)" : resultText
                report.add(
                    "rewrite", "\(key) rule \(rule.number) \(quoted(rule))  ->  \(shown)",
                    [("key", key), ("rule", String(rule.number)), ("regex", rule.regex.pattern),
                     ("replacement", rule.template.source), ("result", resultText), ("passthrough", String(passthrough))])
            case .redirect(let rule, let status, let location):
                let text = String(decoding: location, as: UTF8.self)
                report.add("redirect", "url.redirect rule \(rule.number) \(quoted(rule))  ->  \(status) \(text)",
                           [("rule", String(rule.number)), ("status", String(status)), ("location", text)])
            case .failure(let status, let reason):
                report.add("fail", "\(status) \(reason)", [("status", String(status)), ("reason", reason)])
            }
        }
        guard routed.outcome == .proceed else { return report }
        for index in 0..<routed.checkpointCount {
            let (path, options) = routed.checkpoint(index)
            guard options.files.accessRules.permits(path: path) else {
                report.add("deny", "403 (url.access-deny / url.access-allow)", [("status", "403")])
                return report
            }
        }
        // As the server: the paths before -if-not-file rewrites, then the final one.
        for index in 0..<routed.checkpointCount {
            let (path, options) = routed.checkpoint(index)
            guard let policy = options.authPolicy, let rule = policy.rule(forPath: path) else { continue }
            let requirement: String
            switch rule.requirement {
            case .validUser: requirement = "valid-user"
            case .users(let users): requirement = users.map { "user=" + $0 }.joined(separator: "|")
            }
            report.add("auth", "\(rule.pathPrefix) realm \"\(rule.realm)\" requires \(requirement)",
                       [("path", rule.pathPrefix), ("realm", rule.realm), ("require", requirement)])
        }
        let proxy = routed.options.proxy
        // The server answers the status URL before anything is proxied.
        if let statusURL = routed.options.files.statusURL, routed.path.elementsEqual(statusURL.utf8) {
            let path = String(decoding: routed.path, as: UTF8.self)
            report.add("status", "\(path)  (status.status-url)", [("path", path)])
            return report
        }
        if let servers = proxy.servers {
            // lighttpd 1.4's proxy.server: which key took the request, if any.
            if let key = proxy.routeKey, servers.indices.contains(key.server) {
                let name = servers[key.server].key
                report.add("server", "proxy.server key \"\(name)\" (first match of \(servers.count))", [("key", name)])
            } else {
                report.add("server", "no proxy.server key matches: not proxied", [("key", "")])
            }
        }
        guard let backends = proxy.backends else {
            let files = routed.options.files
            let path = String(decoding: routed.path, as: UTF8.self)
            guard let root = files.documentRoot else {
                report.add("static", "\(path)  from (no server.document-root)", [("path", path), ("documentRoot", "")])
                return report
            }
            // The file the static stage opens: under the document root, or an alias.url directory.
            let physical = (try? RequestPath.normalize(routed.path[...])).map {
                StaticPathResolver(documentRoot: root, aliases: files.aliases).physicalPath(for: $0)
            }
            if let physical, physical.alias != nil {
                report.add("static", "\(path)  from alias \(physical.root) (\(physical.path))",
                           [("path", path), ("alias", physical.root), ("file", physical.path)])
            } else {
                report.add("static", "\(path)  from \(root)", [("path", path), ("documentRoot", root)])
            }
            return report
        }
        do {
            let backend = try BackendTarget.resolve(routed, site: site)
            let result = String(decoding: backend.target, as: UTF8.self)
            if let rule = backend.rule {
                let key = proxy.uriRewrite?.key ?? "_uri"
                report.add("proxy", "\(key) \(quoted(rule))  ->  \(result)",
                           [("regex", rule.regex.pattern), ("replacement", rule.template.source), ("result", result)])
            } else {
                report.add("proxy", "no _uri rule matched  ->  \(result)", [("result", result)])
            }
            report.add("balance", "\(proxy.balancer.configName) over \(backends.count) backend\(backends.count == 1 ? "" : "s") (in flight now: none)",
                       [("balancer", proxy.balancer.configName), ("backends", backends.map(\.label).joined(separator: ", "))])
            let prefix = backend.forwardedPrefix.isEmpty ? "(none)" : String(decoding: backend.forwardedPrefix, as: UTF8.self)
            if proxy.backendProtocol == .http {
                report.add("upstream", "\(facts.method) \(result) HTTP/1.1  X-Forwarded-Prefix: \(prefix)",
                           [("requestLine", "\(facts.method) \(result) HTTP/1.1"), ("forwardedPrefix", prefix)])
            } else {
                // The variables that say where the request goes (CGIEnvironment).
                var environment = CGIEnvironment(
                    method: facts.method, target: backend.target, requestURI: "", scriptName: backend.forwardedPrefix,
                    fields: [], contentLength: nil, remoteAddress: "", serverPort: facts.localPort, host: nil,
                    documentRoot: routed.options.files.documentRoot ?? "")
                environment.rewrites = CGIVariableRewrites.resolve(
                    proxy.cgiVariableRewrites, path: routed.path, documentRoot: environment.documentRoot,
                    context: RewriteContext(routed, site: site, block: proxy.requestHeaderRewritesBlock))
                let variables = environment.variables(alwaysContentLength: false)
                let shown = ["SCRIPT_NAME", "PATH_INFO", "QUERY_STRING"].map { name in
                    (name, variables.first { $0.name == name }.map { String(decoding: $0.value, as: UTF8.self) } ?? "")
                }
                let protocolName = proxy.backendProtocol.rawValue
                report.add("upstream", "\(protocolName) " + shown.map { "\($0.0)=\($0.1)" }.joined(separator: "  "),
                           [("protocol", protocolName)] + shown.map { ($0.0.lowercased(), $0.1) })
            }
        } catch {
            report.add("fail", "\(error.status) \(error)", [("status", String(error.status)), ("reason", "\(error)")])
        }
        return report
    }

    private static func quoted(_ rule: RewriteRule) -> String {
        "\"\(ConfigPrinter.escape(rule.regex.pattern))\" => \"\(ConfigPrinter.escape(rule.template.source))\""
    }
}

/// JSON string escaping (RFC 8259 §7).
enum JSONText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
