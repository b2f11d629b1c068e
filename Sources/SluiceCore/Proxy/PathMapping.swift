/// How the backend's URL space sits inside the client's: the path prefix the client sees (`clientPrefix`) in
/// place of the one the backend sees (`backendPrefix`). The reverse map (SPEC §4, Apache's ProxyPassReverse and
/// ProxyPassReverseCookiePath, lighttpd 1.4's `map-urlpath`) turns backend paths into client paths with it, and
/// `clientPrefix` is what `X-Forwarded-Prefix` tells the backend.
///
/// It is derived, not configured: from the path the client asked for (before `url.rewrite*`) and the path the
/// backend receives (after `_uri`), the longest common tail starting at a `/` is the part the backend received
/// unchanged; what comes before it on either side is the prefix.
///
/// | client path | backend path | clientPrefix | backendPrefix |
/// |---|---|---|---|
/// | `/x` (canonical config: `/proxy/x` → `/x`) | `/x` | empty | empty |
/// | `/app/x` (`^/app(.*)` → `$1`) | `/x` | `/app` | empty |
/// | `/app` (stripped to empty, sent as `/`) | `/` | `/app` | empty |
/// | `/app/x` (`^/app/(.*)` → `/v2/$1`) | `/v2/x` | `/app` | `/v2` |
///
/// So the internal `/proxy` of the canonical config never reaches a client: it is in neither path.
public struct PathMapping: Sendable, Hashable {
    /// What the client's path has in front of the part the backend received (no trailing `/`); empty when the
    /// backend sees the client's own paths.
    public var clientPrefix: [UInt8]
    /// What the backend's path has in front of that part (no trailing `/`).
    public var backendPrefix: [UInt8]

    public init(clientPrefix: [UInt8] = [], backendPrefix: [UInt8] = []) {
        self.clientPrefix = clientPrefix
        self.backendPrefix = backendPrefix
    }

    /// Backend paths are client paths: only a Location's host needs mapping.
    public var isIdentity: Bool { clientPrefix == backendPrefix }

    /// Derives the mapping from the client's path and the backend's path (each without `?query`, still encoded).
    public init(clientPath: some Collection<UInt8>, backendPath: some Collection<UInt8>) {
        self.init(clientPath: ArraySlice(clientPath), backendPath: ArraySlice(backendPath))
    }

    /// The same on slices, read in place.
    init(clientPath client: ArraySlice<UInt8>, backendPath backend: ArraySlice<UInt8>) {
        // Longest common tail of bytes.
        var common = 0
        while common < client.count && common < backend.count
            && client[client.endIndex - 1 - common] == backend[backend.endIndex - 1 - common]
        {
            common += 1
        }
        // Shrink it until it starts at a segment boundary: `/ab` vs `/xb` share `b`, which is no path part.
        while common > 0 && backend[backend.endIndex - common] != UInt8(ascii: "/") { common -= 1 }
        var clientEnd = client.endIndex - common, backendEnd = backend.endIndex - common
        if common == 0 {
            // Nothing shared: the two paths correspond as wholes. A trailing `/` on either side is the root of
            // the mapped space (`/app` → `/`: backend `/login` is client `/app/login`), so it is not prefix.
            if clientEnd > client.startIndex && client[clientEnd - 1] == UInt8(ascii: "/") { clientEnd -= 1 }
            if backendEnd > backend.startIndex && backend[backendEnd - 1] == UInt8(ascii: "/") { backendEnd -= 1 }
        }
        self.init(clientPrefix: Array(client[..<clientEnd]), backendPrefix: Array(backend[..<backendEnd]))
    }

    /// The client's path for a path-absolute backend path (`/login` → `/app/login`), or nil when `path` is not
    /// inside the backend's prefix (`/v2x` or `/other` when the backend prefix is `/v2`): such a path is left
    /// alone. Whatever follows the path (`?query`, `#fragment`) is kept byte for byte.
    public func clientPath(forBackendPath path: some Collection<UInt8>) -> [UInt8]? {
        guard path.first == UInt8(ascii: "/") else { return nil }
        var rest = path[...]
        if !backendPrefix.isEmpty {
            guard path.starts(with: backendPrefix) else { return nil }
            rest = path.dropFirst(backendPrefix.count)
            // Only at a segment boundary: `/v2` maps `/v2`, `/v2/x`, `/v2?q`, not `/v2x`.
            if let next = rest.first, next != UInt8(ascii: "/"), next != UInt8(ascii: "?"), next != UInt8(ascii: "#") {
                return nil
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(clientPrefix.count + rest.count + 1)
        result.append(contentsOf: clientPrefix)
        if rest.isEmpty || rest.first != UInt8(ascii: "/") {
            result.append(UInt8(ascii: "/"))  // the backend prefix itself is the client prefix's root
        }
        result.append(contentsOf: rest)
        return result
    }

    /// The path part of a request target: absolute-form (`http://host/p?q`) loses its scheme and authority
    /// (RFC 9112 §3.2.2), an empty path is `/`, `?query` is cut off.
    static func path(ofTarget target: some Collection<UInt8>) -> ArraySlice<UInt8> {
        path(ofTarget: ArraySlice(target))
    }

    /// The same on an array, read in place.
    static func path(ofTarget target: [UInt8]) -> ArraySlice<UInt8> {
        path(ofTarget: target[...])
    }

    static func path(ofTarget target: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var bytes = target
        if bytes.first != UInt8(ascii: "/"), let scheme = firstIndex(of: "://", in: bytes) {
            let authorityStart = scheme + 3
            bytes = bytes[authorityStart...]
            if let slash = bytes.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) {
                bytes = bytes[slash...]
            } else {
                bytes = bytes[bytes.endIndex...]
            }
        }
        if let query = bytes.firstIndex(of: UInt8(ascii: "?")) { bytes = bytes[..<query] }
        return bytes.isEmpty ? [UInt8(ascii: "/")] : bytes
    }

    private static func firstIndex(of needle: StaticString, in bytes: ArraySlice<UInt8>) -> Int? {
        let count = needle.utf8CodeUnitCount
        guard bytes.count >= count else { return nil }
        let start = needle.utf8Start
        for index in bytes.startIndex...(bytes.endIndex - count) {
            if (0..<count).allSatisfy({ bytes[index + $0] == start[$0] }) { return index }
        }
        return nil
    }
}
