/// `alias.url = ( "/prefix/" => "/directory/" )`: URL prefixes served from other directories than the
/// document root. The **longest** matching prefix wins, whatever the config order (lighttpd takes the
/// first match and asks for longer prefixes first; the longest match is that advice applied for you).
///
/// Prefixes are compared with the decoded, normalised request path (`RequestPath`), as lighttpd's
/// mod_alias compares `r->uri.path`.
/// - A prefix ending in `/` matches any path starting with it, byte for byte.
/// - A prefix **not** ending in `/` matches only on a segment boundary: `"/doc"` matches `/doc` and
///   `/doc/x` but not `/docs`. lighttpd matches `/docs` too and maps it to `<dir>s`, a sibling of the
///   alias directory; Sluice refuses that way out of the configured directory.
///
/// The rest of the path after the prefix is joined to the directory with exactly one `/`.
public struct AliasTable: Sendable {
    public struct Entry: Sendable, Hashable {
        /// The URL prefix, as configured.
        public let urlPrefix: String
        /// The directory it maps to, as configured.
        public let directory: String

        public init(urlPrefix: String, directory: String) {
            self.urlPrefix = urlPrefix
            self.directory = directory
        }

        fileprivate var prefixBytes: [UInt8] { Array(urlPrefix.utf8) }
    }

    /// What a request path maps to under an alias.
    public struct Match: Sendable, Hashable {
        /// The entry that matched.
        public let entry: Entry
        /// The path below the alias directory: empty (the alias itself, no trailing slash) or starting
        /// with `/`.
        public let remainder: [UInt8]
    }

    /// In config order.
    public let entries: [Entry]
    /// Longest prefix first, with the prefix bytes ready.
    private let byLength: [(prefix: [UInt8], entry: Entry)]

    public init() {
        self.entries = []
        self.byLength = []
    }

    /// Refuses a prefix given twice, a prefix not starting with `/` and a relative directory, naming
    /// the entry (`AliasTableError.index`) so the config layer can point at it.
    public init(_ entries: [Entry]) throws(AliasTableError) {
        var seen = Set<String>()
        for (index, entry) in entries.enumerated() {
            guard entry.urlPrefix.utf8.first == UInt8(ascii: "/") else { throw .prefixNotAbsolute(index: index) }
            guard entry.directory.utf8.first == UInt8(ascii: "/") else { throw .directoryNotAbsolute(index: index) }
            guard seen.insert(entry.urlPrefix).inserted else { throw .duplicatePrefix(index: index) }
        }
        self.entries = entries
        // Stable: among equal lengths config order is kept (two distinct equal-length prefixes can only
        // both match when one lacks the trailing slash the other has, e.g. "/a/b" and "/a/"; whichever).
        self.byLength = entries.enumerated()
            .sorted { ($0.element.urlPrefix.utf8.count, -$0.offset) > ($1.element.urlPrefix.utf8.count, -$1.offset) }
            .map { ($0.element.prefixBytes, $0.element) }
    }

    public init(_ pairs: KeyValuePairs<String, String>) throws(AliasTableError) {
        try self.init(pairs.map { Entry(urlPrefix: $0.key, directory: $0.value) })
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The alias covering `path`, if any.
    public func match(_ path: RequestPath) -> Match? {
        let bytes = path.bytes
        for (prefix, entry) in byLength where bytes.count >= prefix.count {
            guard bytes.starts(with: prefix) else { continue }
            if prefix.last == UInt8(ascii: "/") {
                return Match(entry: entry, remainder: Array(bytes[(prefix.count - 1)...]))
            }
            if bytes.count == prefix.count || bytes[prefix.count] == UInt8(ascii: "/") {
                return Match(entry: entry, remainder: Array(bytes[prefix.count...]))
            }
        }
        return nil
    }
}

/// A mistake in `alias.url`, with the index of the entry at fault.
public struct AliasTableError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case prefixNotAbsolute, directoryNotAbsolute, duplicatePrefix
    }

    private let code: Code
    /// The index of the entry at fault, in config order.
    public let index: Int

    public var message: String {
        switch code {
        case .prefixNotAbsolute: "alias.url prefix must start with '/'"
        case .directoryNotAbsolute: "alias.url directory must be an absolute path"
        case .duplicatePrefix: "alias.url prefix is given twice"
        }
    }

    public var description: String { message }

    static func prefixNotAbsolute(index: Int) -> Self { .init(code: .prefixNotAbsolute, index: index) }
    static func directoryNotAbsolute(index: Int) -> Self { .init(code: .directoryNotAbsolute, index: index) }
    static func duplicatePrefix(index: Int) -> Self { .init(code: .duplicatePrefix, index: index) }
}
