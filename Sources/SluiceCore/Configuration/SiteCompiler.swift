import LighttpdConfig

/// The compile step after the language layer: builds every regex (PCRE2, JIT), substitution template,
/// CIDR block, backend address (resolved now, as lighttpd does at start) and balancer of a loaded config.
/// Every mistake becomes a located diagnostic; a regex error points at the column PCRE2 names.
public struct SiteCompiler {
    var diagnostics = ConfigDiagnostics()
    let resolveNames: Bool
    /// User files loaded so far, by path (each is read once however many blocks name it).
    var userFiles: [String: UserFile] = [:]
    /// Blocks that set auth.backend, in order (auth.require needs one in effect).
    var blocksSettingAuthBackend: [Int] = []

    /// `resolveNames: false` skips DNS for backend host names (tests and `explain` without network).
    public init(resolveNames: Bool = true) {
        self.resolveNames = resolveNames
    }

    /// Compiles `config`; the site is usable only when the diagnostics are empty.
    public static func compile(_ config: LoadedConfig, resolveNames: Bool = true) -> (Site, ConfigDiagnostics) {
        var compiler = SiteCompiler(resolveNames: resolveNames)
        let site = compiler.compile(config)
        return (site, compiler.diagnostics)
    }

    mutating func compile(_ config: LoadedConfig) -> Site {
        var conditions: [CompiledCondition?] = []
        var captureBlocks: [Int?] = []
        var options: [BlockOptions] = []
        for block in config.blocks {
            if block["auth.backend"] != nil { blocksSettingAuthBackend.append(block.index) }
            let condition = block.condition.flatMap { compileCondition($0) }
            conditions.append(condition)
            var captureBlock: Int? = nil
            if condition?.providesCaptures == true {
                captureBlock = block.index
            } else if let parent = block.parent {
                captureBlock = captureBlocks[parent]
            }
            captureBlocks.append(captureBlock)
            options.append(compileOptions(block, hasConditionCaptures: captureBlock != nil))
        }
        checkBackendGroupKeys(config.blocks, options: options)
        checkCGIVariableRewrites(config.blocks, options: options)
        var capturesNeeded = [Bool](repeating: false, count: config.blocks.count)
        for (index, blockOptions) in options.enumerated() where blockOptions.usesConditionCaptures {
            if let source = captureBlocks[index] { capturesNeeded[source] = true }
        }
        return Site(
            config: config, conditions: conditions, options: options, captureBlocks: captureBlocks,
            capturesNeeded: capturesNeeded, userFiles: userFiles)
    }

    /// Keys that configure a backend group: the group is built from the block that sets the backends and the
    /// blocks enclosing it, so these keys are honoured there only. (`connect-timeout` and `disable-time` are
    /// also read per request, for the backlog wait, Retry-After and WebSocket connections, so they may be set
    /// anywhere; their docs say which value pooled connections use.)
    static let backendGroupKeys = [
        "proxy-core.protocol", "proxy-core.balancer", "proxy.balance", "proxy-core.max-pool-size", "proxy-core.max-keep-alive-requests",
        "proxy-core.max-backlog-size", "proxy-core.health-check", "proxy-core.health-check-interval",
    ]

    /// A backend-group key in a block that neither sets backends nor encloses a block that does would be
    /// dropped (a nested `$HTTP["url"] =^ "/upload" { proxy-core.max-backlog-size = 10 }`): an error, not a
    /// silence. A site without backends has no groups to confuse, and is left alone.
    private mutating func checkBackendGroupKeys(_ blocks: [ConfigBlock], options: [BlockOptions]) {
        var enclosesBackends = [Bool](repeating: false, count: blocks.count)
        for (index, block) in options.enumerated() where block.proxy.backends != nil || block.proxy.servers != nil {
            var cursor: Int? = index
            while let current = cursor, !enclosesBackends[current] {
                enclosesBackends[current] = true
                cursor = blocks[current].parent
            }
        }
        guard enclosesBackends.contains(true) else { return }
        for block in blocks where !enclosesBackends[block.index] {
            for key in Self.backendGroupKeys {
                guard let setting = block[key] else { continue }
                diagnostics.error(
                    "'\(key)' here would not apply: a backend group takes it from the block that sets "
                        + "proxy-core.backends (or proxy.server) and the blocks around that one", at: setting.location,
                    fix: "set it in that block, or set the backends in this one")
            }
        }
    }

    /// `"_scriptname"`, `"_pathinfo"`, `"_docroot"` set CGI variables: under an HTTP backend group (the
    /// protocol in effect for the block, its own or an enclosing block's) they would do nothing.
    private mutating func checkCGIVariableRewrites(_ blocks: [ConfigBlock], options: [BlockOptions]) {
        for (index, block) in options.enumerated() where !(block.proxy.cgiVariableRewrites ?? []).isEmpty {
            var cursor: Int? = index
            var backendProtocol = BackendProtocol.http
            while let current = cursor {
                if let value = options[current].proxy.backendProtocol {
                    backendProtocol = value
                    break
                }
                cursor = blocks[current].parent
            }
            guard backendProtocol == .http, let setting = blocks[index]["proxy-core.rewrite-request"] else { continue }
            diagnostics.error(
                "'proxy-core.rewrite-request' \(block.proxy.cgiVariableRewrites!.map { "\"\($0.header)\"" }.joined(separator: ", ")) "
                    + "only applies to FastCGI and SCGI backends", at: setting.location,
                fix: "set proxy-core.protocol = \"fastcgi\" or \"scgi\" for these backends, or use \"_uri\"")
        }
    }

    // MARK: Conditions

    private mutating func compileCondition(_ condition: ConfigCondition) -> CompiledCondition? {
        let value = condition.field == .host && !condition.op.isRegex ? condition.value.lowercased() : condition.value
        let matcher: CompiledCondition.Matcher
        switch condition.op {
        case .match, .notMatch:
            guard let regex = compileRegex(value, at: condition.valueLocation) else { return nil }
            matcher = .regex(regex)
        case .prefix:
            matcher = .prefix(Array(value.utf8))
        case .suffix:
            matcher = .suffix(Array(value.utf8))
        case .equal, .notEqual:
            if condition.field == .remoteIP {
                guard let block = CIDRBlock(value) else {
                    diagnostics.error(
                        "\"\(value)\" is not an IP address or CIDR block", at: condition.valueLocation,
                        fix: "write e.g. \"192.0.2.1\", \"10.0.0.0/8\" or \"2001:db8::/32\"")
                    return nil
                }
                matcher = .cidr(block)
            } else {
                matcher = .equal(Array(value.utf8))
            }
        }
        return CompiledCondition(source: condition, matcher: matcher)
    }

    // MARK: Regexes and templates

    mutating func compileRegex(_ pattern: String, at location: SourceLocation) -> CompiledRegex? {
        do {
            return try CompiledRegex(pattern)
        } catch {
            diagnostics.error(
                "invalid regex: \(error.message)", at: SiteCompiler.location(inString: pattern, at: location, byteOffset: error.offset))
            return nil
        }
    }

    /// Compiles `regex => template` pairs; `conditionCaptures` says whether `%n` has anything to refer to.
    mutating func compileRules(_ value: ConfigValue, key: String, hasConditionCaptures: Bool) -> [RewriteRule]? {
        guard let pairs = value.stringPairsValue else { return nil }
        var rules: [RewriteRule] = []
        var failed = false
        for (number, pair) in pairs.enumerated() {
            let regex = compileRegex(pair.key, at: pair.keyLocation)
            var template: RewriteTemplate?
            do {
                template = try RewriteTemplate(pair.value)
            } catch {
                diagnostics.error(
                    "invalid substitution in '\(key)': \(error.message)",
                    at: SiteCompiler.location(inString: pair.value, at: pair.valueLocation, byteOffset: error.offset))
            }
            if let template, let regex {
                if let group = template.highestRuleGroup, group > regex.captureCount {
                    diagnostics.error(
                        "'$\(group)' refers to a group the regex \"\(pair.key)\" does not have (it has \(regex.captureCount))",
                        at: pair.valueLocation)
                    failed = true
                }
                if template.usesConditionCaptures && !hasConditionCaptures {
                    diagnostics.error(
                        "'%n' refers to the captures of an enclosing regex condition, but there is none",
                        at: pair.valueLocation, fix: "put the rule inside a $HTTP[...] =~ \"...\" block, or write '%%' for a literal '%'")
                    failed = true
                }
                rules.append(RewriteRule(regex: regex, template: template, number: number + 1, location: pair.keyLocation))
            } else {
                failed = true
            }
        }
        return failed ? nil : rules
    }

    /// The location of byte `offset` of a string value written at `location` (its opening quote), counting
    /// the `\` of each `\"` escape and any newlines inside the string.
    static func location(inString value: String, at location: SourceLocation, byteOffset: Int) -> SourceLocation {
        var line = location.line
        var column = location.column + 1
        for byte in value.utf8.prefix(max(0, byteOffset)) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += byte == UInt8(ascii: "\"") ? 2 : 1
            }
        }
        return SourceLocation(file: location.file, line: line, column: column)
    }
}
