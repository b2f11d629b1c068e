/// lighttpd 1.4's `proxy.header` host maps (`http_header_remap_host` in mod_proxy.c), one entry per
/// `"key" => "value"` in config order; the first key that matches (ASCII case-insensitively, whole authority)
/// decides:
///
/// - `map-host-request` rewrites the `Host` the backend gets. Key `-` stands for the client's Host (so it matches
///   any request that has one). Value `-` keeps the client's Host, `""` keeps it and stops looking, anything else
///   replaces it.
/// - `map-host-response` rewrites the authority of an absolute `Location` / `Content-Location` and a
///   `Set-Cookie` `Domain=`. Key `-` stands for the Host `map-host-request` sent instead of the client's, or the
///   client's Host when it sent that; value `-` means the client's Host.
public struct HostMapEntry: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// One resolved response mapping: an authority the backend may write, and what the client gets instead.
public struct HostMapping: Sendable, Hashable {
    public var from: String
    public var to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}

public enum HostMap {
    /// The `Host` to send for a request whose Host is `clientHost`, and whether an entry replaced it
    /// (lighttpd remembers that value as the "forwarded host" a response key `-` stands for).
    public static func requestHost(_ entries: [HostMapEntry], clientHost: String?) -> (host: String?, replaced: Bool) {
        guard let clientHost, !clientHost.isEmpty else { return (clientHost, false) }
        for entry in entries {
            let key = entry.key == "-" ? clientHost : entry.key
            guard key.equalsIgnoringASCIICase(clientHost) else { continue }
            switch entry.value {
            case "-", "": return (clientHost, false)
            default: return (entry.value, true)
            }
        }
        return (clientHost, false)
    }

    /// The response mappings of a request: entries with `-` resolved. `replacedRequestHost`: what
    /// `map-host-request` sent instead of the client's Host (nil when it did not replace it, or when
    /// `proxy.replace-http-host` decided). A `""` value, or a `-` value when the client sent no Host, maps a key
    /// to itself: found first, it leaves the URL as it is and ends the search, as in lighttpd.
    public static func responseMappings(
        _ entries: [HostMapEntry], clientHost: String?, replacedRequestHost: String?
    ) -> [HostMapping] {
        var mappings: [HostMapping] = []
        for entry in entries {
            let from: String
            if entry.key == "-" {
                guard let sent = replacedRequestHost ?? clientHost, !sent.isEmpty else { continue }
                from = sent
            } else {
                from = entry.key
            }
            if entry.value.isEmpty {
                // Matching this key leaves the URL alone: nothing after it may map it either.
                mappings.append(HostMapping(from: from, to: from))
                continue
            }
            let to: String
            if entry.value == "-" {
                guard let clientHost, !clientHost.isEmpty else {
                    mappings.append(HostMapping(from: from, to: from))
                    continue
                }
                to = clientHost
            } else {
                to = entry.value
            }
            mappings.append(HostMapping(from: from, to: to))
        }
        return mappings
    }
}

extension String {
    /// ASCII case-insensitive equality (host names and authorities).
    func equalsIgnoringASCIICase(_ other: String) -> Bool {
        utf8.elementsEqual(other.utf8) { asciiLowercased($0) == asciiLowercased($1) }
    }
}
