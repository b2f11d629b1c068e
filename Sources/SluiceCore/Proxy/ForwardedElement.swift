/// The RFC 7239 `Forwarded` value Sluice sends, in lighttpd 1.4's shape (mod_proxy `proxy.forwarded`):
/// `for=192.0.2.1;proto=https;host="example.com"`, IPv6 nodes bracketed and quoted (`for="[2001:db8::1]"`,
/// RFC 7239 §6), `by=` and `host=` always quoted, `unknown` for a peer without an address (§6.3).
///
/// The element is appended to the incoming `Forwarded` value (one list, RFC 7239 §4). When the client sent no
/// `Forwarded` but did send `X-Forwarded-For`, the chain is first converted (`for="a", for="b"`, each quoted),
/// as lighttpd does, so the backend sees one complete list in one header.
enum ForwardedElement {
    static func value(
        incoming: String, seedFrom xff: String, parameters: ForwardedParameters, context: ForwardingContext
    ) -> String {
        var value = incoming
        if value.isEmpty && !xff.isEmpty {
            HeaderTokens.forEach(in: xff) { element in
                if !value.isEmpty { value += ", " }
                let node = String(decoding: element, as: UTF8.self)
                let isIPv6 = element.contains(UInt8(ascii: ":"))
                value += "for=" + quoted(isIPv6 ? "[" + node + "]" : node)
            }
        }
        let element = self.element(parameters, context: context)
        guard !element.isEmpty else { return value }
        return value.isEmpty ? element : value + ", " + element
    }

    /// One forwarded-element: `for`, `by`, `proto`, `host`, `remote_user`, in lighttpd's order.
    static func element(_ parameters: ForwardedParameters, context: ForwardingContext) -> String {
        var pairs: [String] = []
        if parameters.contains(.for) {
            pairs.append("for=" + node(context.peer, withPort: false))
        }
        if parameters.contains(.by), let local = context.local {
            pairs.append("by=" + quoted(nodeText(local, withPort: true)))
        }
        if parameters.contains(.proto) {
            pairs.append("proto=" + context.scheme)
        }
        if parameters.contains(.host), let host = context.host, !host.isEmpty {
            pairs.append("host=" + quoted(host))
        }
        if parameters.contains(.remoteUser), let user = context.remoteUser {
            pairs.append("remote_user=" + quoted(user))
        }
        return pairs.joined(separator: ";")
    }

    /// An IPv4 address or `unknown` is a token; an IPv6 one needs brackets, hence quotes (RFC 7239 §6).
    private static func node(_ address: PeerAddress, withPort: Bool) -> String {
        let text = nodeText(address, withPort: withPort)
        return address.isIPv6 || text.utf8.contains(UInt8(ascii: ":")) ? quoted(text) : text
    }

    private static func nodeText(_ address: PeerAddress, withPort: Bool) -> String {
        let host = address.isIPv6 ? "[" + address.text + "]" : address.text
        guard withPort, let port = address.port else { return host }
        return host + ":" + String(port)
    }

    /// A quoted-string (RFC 9110 §5.6.4): `"` and `\` are escaped; control characters other than tab, which no
    /// quoted-string may hold, are dropped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"", "\\":
                result.unicodeScalars.append("\\")
                result.unicodeScalars.append(scalar)
            case "\t":
                result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                continue
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        result += "\""
        return result
    }
}
