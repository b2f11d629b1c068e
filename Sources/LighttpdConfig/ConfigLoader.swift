/// A configuration after parsing, evaluation and validation: the blocks (global first, then conditional
/// blocks in config order), the server-wide settings and the listening sockets.
public struct LoadedConfig: Sendable {
    public var blocks: [ConfigBlock]
    public var server: ServerSettings
    public var listeners: [ListenerSettings]
    /// Every file read (the main file first, then includes in order).
    public var files: [String]

    public var global: ConfigBlock { blocks[0] }
}

/// The result of loading: a config (possibly partial) and every diagnostic found. The config is usable only
/// when `diagnostics` is empty; a partial one lets later compile steps find more mistakes in the same run.
public struct ConfigLoadResult: Sendable {
    public var config: LoadedConfig
    public var diagnostics: ConfigDiagnostics
}

/// Entry point of the config layer: text -> tokens -> syntax tree -> blocks -> validated config.
public enum ConfigLoader {
    /// Loads a config file and everything it includes.
    public static func load(
        file: String, environment: any ConfigEnvironment = SystemConfigEnvironment()
    ) -> ConfigLoadResult {
        var evaluator = Evaluator(environment: environment)
        evaluator.evaluateFile(file, includedFrom: nil)
        return finish(evaluator)
    }

    /// Loads config text; `file` names it in diagnostics and anchors relative includes.
    public static func load(
        text: String, file: String, environment: any ConfigEnvironment = SystemConfigEnvironment()
    ) -> ConfigLoadResult {
        var evaluator = Evaluator(environment: environment)
        evaluator.evaluateText(text, file: file, in: 0)
        return finish(evaluator)
    }

    /// The configuration used when `sluice` runs with no `-f` and no `etc/sluice.conf`: static files from the
    /// current directory on 127.0.0.1:8080, with directory listings.
    public static let builtInDefault = """
        # Sluice's built-in default configuration
        server.port          = 8080
        server.bind          = "127.0.0.1"
        server.document-root = var.CWD
        dir-listing.activate = "enable"
        """

    private static func finish(_ evaluator: Evaluator) -> ConfigLoadResult {
        var diagnostics = evaluator.diagnostics
        var validator = Validator()
        validator.validate(evaluator.blocks)
        diagnostics.append(contentsOf: validator.diagnostics)
        let server = ServerSettings(global: evaluator.blocks[0], modules: validator.modules)
        let listeners = collectListeners(evaluator.blocks, server: server, diagnostics: &diagnostics)
        let config = LoadedConfig(
            blocks: evaluator.blocks, server: server, listeners: listeners, files: evaluator.files)
        return ConfigLoadResult(config: config, diagnostics: diagnostics)
    }

    /// The main socket plus one per `$SERVER["socket"]` block, with their TLS settings.
    static func collectListeners(
        _ blocks: [ConfigBlock], server: ServerSettings, diagnostics: inout ConfigDiagnostics
    ) -> [ListenerSettings] {
        var listeners: [ListenerSettings] = []
        var seen: [ListenAddress: SourceLocation] = [:]
        let mainLocation = blocks[0]["server.port"]?.location ?? blocks[0]["server.bind"]?.location ?? .builtIn
        let bindsUnixSocket = server.bind.hasPrefix("/") || server.bind.hasPrefix("unix:")
        let mainAddress: ListenAddress =
            bindsUnixSocket
            ? ListenAddress.parse(socket: server.bind, defaultHost: "") ?? .unix(path: server.bind)
            : .inet(host: ListenAddress.normalizedHost(server.bind), port: server.port)
        // A socket block's ":443" means server.bind's address, or every address when that is a unix socket.
        let defaultHost = bindsUnixSocket ? "" : server.bind
        var main = ListenerSettings(address: mainAddress, tls: nil, blockIndices: [], location: mainLocation)
        main.tls = tlsSettings(in: blocks[0], global: blocks[0], diagnostics: &diagnostics)
        listeners.append(main)
        seen[mainAddress] = mainLocation
        for block in blocks {
            guard let condition = block.condition, condition.field == .serverSocket else { continue }
            guard let address = ListenAddress.parse(socket: condition.value, defaultHost: defaultHost) else {
                diagnostics.error(
                    "\"\(condition.value)\" is not a socket address", at: condition.valueLocation,
                    fix: "write \":PORT\", \"IP:PORT\", \"[IPv6]:PORT\" or a unix socket path")
                continue
            }
            if seen[address] != nil {
                // The same socket named again (lighttpd allows repeating the block, and naming the main socket:
                // `server.port = 443` with `$SERVER["socket"] == ":443" { ssl.engine = "enable" ... }`): the
                // block's conditions match its requests too, and it may give the socket TLS, once.
                guard let index = listeners.firstIndex(where: { $0.address == address }) else { continue }
                listeners[index].blockIndices.append(block.index)
                guard let tls = tlsSettings(in: block, global: blocks[0], diagnostics: &diagnostics) else {
                    // TLS files or options here would not reach the socket: its TLS is built where ssl.engine is.
                    let tlsKeys = ["ssl.pemfile", "ssl.privkey", "ssl.ca-file", "ssl.cipher-list", "ssl.openssl.ssl-conf-cmd"]
                    if let stray = tlsKeys.lazy.compactMap({ block[$0] }).first {
                        diagnostics.error(
                            "'\(stray.key)' here would not apply: this socket's TLS is set in the block with ssl.engine",
                            at: stray.location, fix: "set the socket's ssl.* keys in one block")
                    }
                    continue
                }
                if listeners[index].tls == nil {
                    listeners[index].tls = tls
                    // Where the socket's certificate is set: this block, or the global one it inherits.
                    listeners[index].tlsBlock = block["ssl.pemfile"] != nil ? block.index : 0
                } else {
                    diagnostics.error(
                        "TLS for \(condition.value) is already set", at: block["ssl.engine"]?.location ?? condition.location,
                        fix: "set ssl.* for a socket in one place")
                }
                continue
            }
            seen[address] = condition.location
            var listener = ListenerSettings(
                address: address, tls: tlsSettings(in: block, global: blocks[0], diagnostics: &diagnostics),
                blockIndices: [block.index], location: condition.location)
            listener.tlsBlock = block["ssl.pemfile"] != nil ? block.index : 0
            listeners.append(listener)
        }
        addHostCertificates(to: &listeners, blocks: blocks, diagnostics: &diagnostics)
        return listeners
    }

    /// SNI: each TLS listener's `$HTTP["host"]` certificate blocks. One that reaches no TLS socket, or that names a
    /// key without its certificate, is an error.
    private static func addHostCertificates(
        to listeners: inout [ListenerSettings], blocks: [ConfigBlock], diagnostics: inout ConfigDiagnostics
    ) {
        var used = Set<Int>()
        for index in listeners.indices where listeners[index].tls != nil {
            let listener = listeners[index]
            for block in SNICertificates.blocks(for: listener, tlsBlock: listener.tlsBlock, in: blocks) {
                guard let chain = blocks[block]["ssl.pemfile"]?.value.string else { continue }
                used.insert(block)
                var conditions: [String] = []
                var cursor: Int? = block
                while let current = cursor, current != 0 {
                    if let condition = blocks[current].condition { conditions.insert(condition.description, at: 0) }
                    cursor = blocks[current].parent
                }
                listeners[index].tls?.hostCertificates.append(
                    TLSSettings.HostCertificate(
                        block: block, conditions: conditions.joined(separator: " / "), certificateChainFile: chain,
                        privateKeyFile: blocks[block]["ssl.privkey"]?.value.string,
                        caFile: blocks[block]["ssl.ca-file"]?.value.string))
            }
        }
        for block in blocks where block.index != 0 && block.condition?.field == .host {
            if let setting = block["ssl.pemfile"], !used.contains(block.index), SNICertificates.isHandshakeScope(block, in: blocks) {
                // Before the block that gives a TLS socket its own certificate, which overrides it (lighttpd merges
                // matching blocks in config order), or under no TLS socket at all.
                let overriding = listeners.first {
                    $0.tls != nil && SNICertificates.blocks(for: $0, tlsBlock: 0, in: blocks).contains(block.index)
                }
                if let overriding {
                    diagnostics.error(
                        "'ssl.pemfile' here is overridden by the TLS socket's own certificate, set later in the file (at \(blocks[overriding.tlsBlock].location))",
                        at: setting.location, fix: "move this host block after that one")
                } else {
                    diagnostics.error(
                        "'ssl.pemfile' here applies to no TLS socket", at: setting.location,
                        fix: "enable ssl.engine on the socket this host is served on")
                }
            }
            if block["ssl.pemfile"] == nil, let stray = block["ssl.privkey"] ?? block["ssl.ca-file"] {
                diagnostics.error(
                    "'\(stray.key)' in a host block needs 'ssl.pemfile' there too", at: stray.location,
                    fix: "set the host's certificate with ssl.pemfile")
            }
        }
    }

    /// A block's TLS settings: `ssl.engine` from the block itself, the files from it or else from the global
    /// block (lighttpd's usual setup names the certificate once, globally).
    private static func tlsSettings(
        in block: ConfigBlock, global: ConfigBlock, diagnostics: inout ConfigDiagnostics
    ) -> TLSSettings? {
        guard let engine = block["ssl.engine"], engine.value.booleanValue == true else { return nil }
        func file(_ key: String) -> String? { (block[key] ?? global[key])?.value.string }
        guard let pem = file("ssl.pemfile") else {
            diagnostics.error(
                "ssl.engine is enabled but ssl.pemfile is not set", at: engine.location,
                fix: "set ssl.pemfile (and ssl.privkey if the key is in another file)")
            return nil
        }
        var settings = TLSSettings(certificateChainFile: pem, privateKeyFile: file("ssl.privkey"), caFile: file("ssl.ca-file"))
        settings.cipherList = file("ssl.cipher-list")
        var cipherLocation = (block["ssl.cipher-list"] ?? global["ssl.cipher-list"])?.value.location
        for pair in (block["ssl.openssl.ssl-conf-cmd"] ?? global["ssl.openssl.ssl-conf-cmd"])?.value.stringPairsValue ?? [] {
            switch pair.key {
            case "MinProtocol", "MaxProtocol":
                guard TLSSettings.protocolNames.contains(pair.value) else {
                    diagnostics.error(
                        "\(pair.key) \"\(pair.value)\" is not a TLS protocol", at: pair.valueLocation,
                        fix: "use one of \(TLSSettings.protocolNames.joined(separator: ", "))")
                    continue
                }
                if pair.key == "MinProtocol" { settings.minimumVersion = pair.value } else { settings.maximumVersion = pair.value }
            case "CipherString":
                settings.cipherList = pair.value
                cipherLocation = pair.valueLocation
            default:
                diagnostics.error(
                    "ssl.openssl.ssl-conf-cmd \"\(pair.key)\" is not supported", at: pair.keyLocation,
                    fix: "Sluice takes MinProtocol, MaxProtocol and CipherString (BoringSSL fixes the TLS 1.3 suites)")
            }
        }
        if let list = settings.cipherList, let problem = TLSSettings.cipherListProblem(list) {
            diagnostics.error("cipher list \"\(list)\": \(problem)", at: cipherLocation ?? engine.location)
            settings.cipherList = nil
        }
        if let minimum = settings.minimumVersion, let maximum = settings.maximumVersion,
            let low = TLSSettings.protocolNames.firstIndex(of: minimum),
            let high = TLSSettings.protocolNames.firstIndex(of: maximum), low > high
        {
            diagnostics.error(
                "MinProtocol \(minimum) is above MaxProtocol \(maximum): no handshake could succeed", at: engine.location)
        }
        return settings
    }
}
