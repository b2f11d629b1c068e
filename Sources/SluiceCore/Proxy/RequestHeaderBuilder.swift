/// The per-field work of `ForwardedRequestHeaders.build`, non-generic so it is compiled once here while the loop
/// over the caller's header collection is specialised where it is called.
@usableFromInline
struct RequestHeaderBuilder {
    private var fields: [(String, String)] = []
    private let context: ForwardingContext
    private let options: ForwardedRequestHeaders.Options
    private let consumeForwarded: Bool
    private var incomingXFF = ""
    private var incomingForwarded = ""
    private var acceptsTrailers = false
    /// Fields the client's `Connection` names that would otherwise be passed on (rarely any).
    private var connectionNames: [String] = []
    private var dropIncomingXFF = false
    private var dropIncomingForwarded = false

    @usableFromInline
    init(capacity: Int, context: ForwardingContext, options: ForwardedRequestHeaders.Options) {
        self.context = context
        self.options = options
        self.consumeForwarded = !options.forwarded.isEmpty
        fields.reserveCapacity(capacity + 8)
        fields.append(("Host", context.backendHost ?? context.host ?? ""))
    }

    @usableFromInline
    mutating func add(name: String, value: String) {
        switch ProxyHeaderName(name) {
        case .connection:
            noteConnectionOptions(value)
        case .te:
            acceptsTrailers = acceptsTrailers || HeaderTokens.contains("trailers", in: value)
        case .keepAlive, .proxyConnection, .trailer, .upgrade, .transferEncoding, .contentLength, .proxy, .host,
            .expect, .setCookie, .xForwardedHost, .xForwardedProto, .xForwardedPrefix:
            return
        case .xForwardedFor:
            appendListValue(value, to: &incomingXFF)
        case .forwarded where consumeForwarded:
            appendListValue(value, to: &incomingForwarded)
        default:
            fields.append((name, value))
        }
    }

    @usableFromInline
    mutating func finish(method: String, body: RequestBodyFraming, tunnel: Bool) -> [(String, String)] {
        if !connectionNames.isEmpty {
            let names = connectionNames
            // Index 0 is Sluice's Host; everything after it so far is the client's.
            var index = 1
            while index < fields.count {
                let name = fields[index].0
                if names.contains(where: { $0.equalsFieldName(name) }) {
                    fields.remove(at: index)
                } else {
                    index += 1
                }
            }
        }
        if dropIncomingXFF { incomingXFF = "" }
        if dropIncomingForwarded { incomingForwarded = "" }

        let peer = context.peer.text
        fields.append(("X-Forwarded-For", incomingXFF.isEmpty ? peer : incomingXFF + ", " + peer))
        if let host = context.host, !host.isEmpty { fields.append(("X-Forwarded-Host", host)) }
        fields.append(("X-Forwarded-Proto", context.scheme))
        if !context.prefix.isEmpty {
            fields.append(("X-Forwarded-Prefix", String(decoding: context.prefix, as: UTF8.self)))
        }
        if consumeForwarded {
            fields.append(("Forwarded", ForwardedElement.value(
                incoming: incomingForwarded, seedFrom: incomingXFF, parameters: options.forwarded, context: context)))
        }

        HeaderRewriter.apply(options.rewrites, to: &fields, from: 0, context: options.rewriteContext)

        switch body {
        case .length(let count): fields.append(("Content-Length", String(count)))
        case .chunked: fields.append(("Transfer-Encoding", "chunked"))
        case .none where !tunnel && ForwardedRequestHeaders.methodAnticipatesContent(method):
            fields.append(("Content-Length", "0"))
        case .none: break
        }
        if acceptsTrailers { fields.append(("TE", "trailers")) }
        if tunnel { fields.append(("Upgrade", "websocket")) }
        switch (acceptsTrailers, tunnel) {
        case (true, true): fields.append(("Connection", "te, upgrade"))
        case (true, false): fields.append(("Connection", "te"))
        case (false, true): fields.append(("Connection", "upgrade"))
        case (false, false): break
        }
        return fields
    }

    /// RFC 9110 §7.6.1: every field the client's `Connection` names is hop-by-hop too. Only fields that would
    /// otherwise be passed on need remembering (`keep-alive`, `close`, `upgrade`, `te`, the usual tokens, cost
    /// nothing). Sluice's own `X-Forwarded-*` are added afterwards: naming `X-Forwarded-For` drops only the
    /// incoming chain, never the peer.
    private mutating func noteConnectionOptions(_ value: String) {
        HeaderTokens.forEach(in: value) { token in
            switch ProxyHeaderName(bytes: token) {
            case .xForwardedFor:
                dropIncomingXFF = true
            case .forwarded:
                if consumeForwarded {
                    dropIncomingForwarded = true
                } else {
                    connectionNames.append("Forwarded")
                }
            case .other, .location, .contentLocation, .server, .date, .contentType, .xSendfile, .xLighttpdSendFile:
                if !token.equalsLowercase("close") {
                    connectionNames.append(String(decoding: token, as: UTF8.self))
                }
            default:
                break  // never forwarded anyway
            }
        }
    }

    private func appendListValue(_ value: String, to list: inout String) {
        guard value.utf8.contains(where: { !HeaderTokens.isOWS($0) }) else { return }
        if !list.isEmpty { list += ", " }
        list += value
    }
}

/// The per-field work of `ForwardedRequestHeaders.isWebSocketUpgrade`.
@usableFromInline
struct WebSocketUpgradeDetector {
    private var upgrade = false
    private var connection = false

    @usableFromInline
    init() {}

    @usableFromInline
    mutating func add(name: String, value: String) {
        switch ProxyHeaderName(name) {
        case .upgrade: upgrade = upgrade || HeaderTokens.contains("websocket", in: value)
        case .connection: connection = connection || HeaderTokens.contains("upgrade", in: value)
        default: break
        }
    }

    @usableFromInline
    var isUpgrade: Bool { upgrade && connection }
}
