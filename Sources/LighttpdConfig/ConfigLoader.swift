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
                } else {
                    diagnostics.error(
                        "TLS for \(condition.value) is already set", at: block["ssl.engine"]?.location ?? condition.location,
                        fix: "set ssl.* for a socket in one place")
                }
                continue
            }
            seen[address] = condition.location
            listeners.append(
                ListenerSettings(
                    address: address, tls: tlsSettings(in: block, global: blocks[0], diagnostics: &diagnostics),
                    blockIndices: [block.index], location: condition.location))
        }
        return listeners
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
