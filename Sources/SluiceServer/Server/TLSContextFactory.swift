import LighttpdConfig
import NIOCore
import NIOSSL
import SluiceCore

/// A TLS listener's context: its certificate, protocol and cipher settings, and the certificates chosen by the
/// name the client asks for (SNI, `SNICertificates`), all loaded at start: a file that cannot be read stops the
/// start with its name, never a handshake.
enum TLSContextFactory {
    static func make(_ settings: TLSSettings, listener: ListenerSettings, site: Site) throws -> NIOSSLContext {
        let (chain, key) = try load(chain: settings.certificateChainFile, key: settings.privateKeyFile, ca: settings.caFile)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.applicationProtocols = ["http/1.1"]
        // lighttpd's default minimum (NIO's would be TLS 1.0); ssl.openssl.ssl-conf-cmd MinProtocol lowers it.
        configuration.minimumTLSVersion = .tlsv12
        if let ciphers = settings.cipherList { configuration.cipherSuites = ciphers }
        if let minimum = version(settings.minimumVersion) { configuration.minimumTLSVersion = minimum }
        if let maximum = version(settings.maximumVersion) { configuration.maximumTLSVersion = maximum }
        if !settings.hostCertificates.isEmpty {
            configuration.sslContextCallback = try hostCertificateCallback(settings.hostCertificates, listener: listener, site: site)
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw SluiceServer.StartError(description: "TLS: cannot use \(settings.certificateChainFile): \(error)")
        }
    }

    /// At each handshake: the certificate of the last host block whose conditions match the SNI name (evaluated
    /// as a request for that host on this listener would be), else the socket's own.
    private static func hostCertificateCallback(
        _ hosts: [TLSSettings.HostCertificate], listener: ListenerSettings, site: Site
    ) throws -> NIOSSLContextCallback {
        let overrides = try hosts.map { host -> (block: Int, override: NIOSSLContextConfigurationOverride) in
            let (chain, key) = try load(chain: host.certificateChainFile, key: host.privateKeyFile, ca: host.caFile)
            // A key that does not belong to its certificate would fail every handshake for that name: refused now,
            // as the socket's own pair is.
            do {
                _ = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
            } catch {
                throw SluiceServer.StartError(description: "TLS: cannot use \(host.certificateChainFile) (\(host.conditions)): \(error)")
            }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = chain
            override.privateKey = .privateKey(key)
            return (host.block, override)
        }
        let evaluator = ConditionEvaluator(site: site)
        let socketBlocks = listener.blockIndices
        let path: [UInt8] = Array("/".utf8)
        return { values, promise in
            guard let name = values.serverHostname?.lowercased(), !name.isEmpty else {
                promise.succeed(.noChanges)
                return
            }
            let facts = RequestFacts(method: "GET", target: path, host: name, scheme: "https", socketBlocks: socketBlocks)
            let active = evaluator.evaluate(facts, path: path, headers: HeaderList())
            promise.succeed(overrides.last { active.contains($0.block) }?.override ?? .noChanges)
        }
    }

    private static func load(chain file: String, key: String?, ca: String?) throws -> ([NIOSSLCertificateSource], NIOSSLPrivateKey) {
        do {
            var chain = try NIOSSLCertificate.fromPEMFile(file).map { NIOSSLCertificateSource.certificate($0) }
            if let ca {
                // ssl.ca-file: intermediate certificates sent after the server's own.
                chain += try NIOSSLCertificate.fromPEMFile(ca).map { NIOSSLCertificateSource.certificate($0) }
            }
            return (chain, try NIOSSLPrivateKey(file: key ?? file, format: .pem))
        } catch {
            throw SluiceServer.StartError(description: "TLS: cannot load \(file): \(error)")
        }
    }

    private static func version(_ name: String?) -> TLSVersion? {
        switch name {
        case "TLSv1": .tlsv1
        case "TLSv1.1": .tlsv11
        case "TLSv1.2": .tlsv12
        case "TLSv1.3": .tlsv13
        default: nil
        }
    }
}
