import LighttpdConfig

extension SiteCompiler {
    /// Static files, error pages, auth backend (user files are read now, so a bad line is a config error)
    /// and the access log format.
    mutating func compileFiles(_ block: ConfigBlock) -> StaticOptions {
        var files = StaticOptions()
        func string(_ key: String) -> String? { block[key]?.value.string }
        func boolean(_ key: String) -> Bool? { block[key]?.value.booleanValue }
        files.documentRoot = string("server.document-root").map(SiteCompiler.withoutTrailingSlash)
        if let setting = block["alias.url"], let pairs = setting.value.stringPairsValue {
            do {
                files.aliases = try AliasTable(pairs.map { AliasTable.Entry(urlPrefix: $0.key, directory: $0.value) })
            } catch {
                let location = pairs.indices.contains(error.index) ? pairs[error.index].keyLocation : setting.location
                diagnostics.error("alias.url: \(error.message)", at: location)
            }
        }
        files.indexFileNames = block["index-file.names"]?.value.stringListValue
        for (name, location) in block["index-file.names"]?.value.locatedStrings ?? [] where !StaticFileDecider.isPlainName(name) {
            // lighttpd reads "/index.php" as relative to the document root (a front controller for scripts);
            // with static files only that would serve one file for every directory.
            diagnostics.error(
                "index-file.names entries are file names in the requested directory, not \"\(name)\"", at: location,
                fix: name.hasPrefix("/") ? "write \"\(name.drop { $0 == "/" })\", or rewrite directory URLs to it with url.rewrite-if-not-file" : nil)
        }
        files.excludeExtensions = block["static-file.exclude-extensions"]?.value.stringListValue
        if let setting = block["accesslog.use-syslog"], setting.value.booleanValue == true {
            diagnostics.error(
                "accesslog.use-syslog is not supported", at: setting.value.location, fix: "use accesslog.filename")
        }
        if let setting = block["accesslog.escaping"], let value = setting.value.string, value != "default" {
            diagnostics.error(
                "accesslog.escaping \"\(value)\" is not supported", at: setting.value.location,
                fix: "leave it out (\"default\": non-printable bytes as \\xHH)")
        }
        files.accessDeny = block["url.access-deny"]?.value.stringListValue
        files.accessAllow = block["url.access-allow"]?.value.stringListValue
        files.directoryListing = boolean("dir-listing.activate")
        files.hideDotfiles = boolean("dir-listing.hide-dotfiles")
        files.followSymlinks = boolean("server.follow-symlink")
        files.etags = boolean("static-file.etags")
        files.rangeRequests = boolean("server.range-requests")
        if let pairs = block["mimetype.assign"]?.value.stringPairsValue {
            files.mimeTypes = MimeTypeTable.forConfig(assign: pairs.map { (suffix: $0.key, type: $0.value) })
        }
        files.errorFilePrefix = string("server.errorfile-prefix")
        files.serverTag = string("server.tag")
        files.maxRequestSizeKiB = block["server.max-request-size"]?.value.integerValue
        if let setting = block["auth.backend"], let name = setting.value.string {
            files.authBackend = try? AuthBackend(configValue: name)
        }
        files.htpasswdFile = loadUserFile(block["auth.backend.htpasswd.userfile"], backend: .htpasswd)
        files.plainFile = loadUserFile(block["auth.backend.plain.userfile"], backend: .plain)
        files.addRequestHeaders = headerPairs(block["setenv.add-request-header"])
        files.setRequestHeaders = headerPairs(block["setenv.set-request-header"])
        files.addResponseHeaders = headerPairs(block["setenv.add-response-header"])
        files.setResponseHeaders = headerPairs(block["setenv.set-response-header"])
        if let setting = block["status.status-url"], let url = setting.value.string {
            if url.hasPrefix("/") {
                files.statusURL = url
            } else {
                diagnostics.error("status.status-url must be a path starting with '/'", at: setting.value.location)
            }
        }
        files.accessLogFile = string("accesslog.filename")
        if let setting = block["accesslog.format"], let text = setting.value.string {
            do {
                files.accessLogFormat = try AccessLogFormat(parsing: text)
            } catch {
                diagnostics.error(
                    "accesslog.format: \(error.message)",
                    at: SiteCompiler.location(inString: text, at: setting.value.location, byteOffset: error.offset))
            }
        }
        if block["auth.require"] != nil && !authBackendVisible(from: block) {
            diagnostics.error(
                "auth.require is set but no auth.backend is in effect here", at: block["auth.require"]!.location,
                fix: "set auth.backend = \"htpasswd\" and auth.backend.htpasswd.userfile")
        }
        return files
    }

    private mutating func loadUserFile(_ setting: ConfigSetting?, backend: AuthBackend) -> String? {
        guard let setting, let path = setting.value.string else { return nil }
        if userFiles[path] != nil { return path }
        do {
            let file = try UserFile.load(path: path, backend: backend)
            for issue in file.issues {
                diagnostics.error(issue.message, at: issue.location)
            }
            userFiles[path] = file
        } catch {
            diagnostics.error("\(setting.key): \(error)", at: setting.value.location)
        }
        return path
    }

    /// auth.backend set in this block or an enclosing one.
    private func authBackendVisible(from block: ConfigBlock) -> Bool {
        block["auth.backend"] != nil || blocksSettingAuthBackend.contains { $0 < block.index }
    }

    /// mod_setenv pairs: header names must be tokens and values free of CR, LF and NUL (they are sent as is).
    private mutating func headerPairs(_ setting: ConfigSetting?) -> [ConfigPair]? {
        guard let setting, let pairs = setting.value.stringPairsValue else { return nil }
        for pair in pairs {
            if pair.key.isEmpty || !pair.key.utf8.allSatisfy(HTTPToken.isTokenByte) {
                diagnostics.error("\(setting.key): \"\(pair.key)\" is not a header name", at: pair.keyLocation)
            }
            if pair.value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) {
                diagnostics.error("\(setting.key): header values cannot contain CR, LF or NUL", at: pair.valueLocation)
            }
        }
        return pairs
    }

    static func withoutTrailingSlash(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
