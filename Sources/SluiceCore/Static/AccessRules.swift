/// mod_access: `url.access-deny = ( "~", ".inc" )` answers 403 for every request whose path ends with one of
/// the suffixes (lighttpd's default config keeps editor backups and include files from leaving the server),
/// proxied or not; `url.access-allow`, when set, answers 403 for every path that ends with none of its
/// suffixes. An empty suffix matches every path. Suffixes compare ASCII-case-insensitively: `X.INC` is as much
/// an include file as `x.inc`.
public struct AccessRules: Sendable, Equatable {
    public var deny: [String]
    public var allow: [String]?

    /// An empty allow list restricts nothing (lighttpd's reading of `url.access-allow = ( )`).
    public init(deny: [String] = [], allow: [String]? = nil) {
        self.deny = deny
        self.allow = allow?.isEmpty == true ? nil : allow
    }

    public var isEmpty: Bool { deny.isEmpty && allow == nil }

    /// Whether a request for this decoded path may go on.
    public func permits(path: some Collection<UInt8>) -> Bool {
        if let allow, !allow.contains(where: { Self.path(path, endsWith: $0) }) { return false }
        return !deny.contains { Self.path(path, endsWith: $0) }
    }

    static func path(_ path: some Collection<UInt8>, endsWith suffix: String) -> Bool {
        let suffix = suffix.utf8
        guard path.count >= suffix.count else { return false }
        return path.dropFirst(path.count - suffix.count).elementsEqual(suffix) { asciiLowercased($0) == asciiLowercased($1) }
    }
}
