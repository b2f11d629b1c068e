/// A file system path for a request, and the directory it must stay in.
public struct PhysicalPath: Sendable, Hashable, CustomStringConvertible {
    /// The document root or alias directory, without trailing slash ("" for "/").
    public let root: String
    /// The part below `root`: empty or starting with `/` (decoded, normalised: no `..`, no `//`).
    public let relative: String
    /// The alias that chose `root`, nil for the document root.
    public let alias: AliasTable.Entry?

    public init(root: String, relative: String, alias: AliasTable.Entry? = nil) {
        self.root = StaticPathResolver.trimmingTrailingSlashes(root)
        self.relative = relative
        self.alias = alias
    }

    /// `root` + `relative`: the path to `stat` and `open`.
    public var path: String { root + relative }

    public var description: String { path }

    /// The same root, `name` appended to the relative path (which must end in `/`): an index file.
    func appending(_ name: String) -> PhysicalPath {
        PhysicalPath(root: root, relative: relative + name, alias: alias)
    }
}

/// Maps a normalised request path to a file under `server.document-root` or the longest matching
/// `alias.url` directory, and checks that the file found is really inside it.
public struct StaticPathResolver: Sendable {
    public let documentRoot: String
    public let aliases: AliasTable

    public init(documentRoot: String, aliases: AliasTable = AliasTable()) {
        self.documentRoot = documentRoot
        self.aliases = aliases
    }

    /// Pure: no file system access. `path` has no dot-segments, so the result is textually under its
    /// root; symbolic links are `checkContainment`'s business.
    public func physicalPath(for path: RequestPath) -> PhysicalPath {
        if let match = aliases.match(path) {
            return PhysicalPath(
                root: match.entry.directory, relative: String(decoding: match.remainder, as: UTF8.self),
                alias: match.entry)
        }
        return PhysicalPath(root: documentRoot, relative: path.string)
    }

    /// Refuses a path that reaches outside its root through a symbolic link.
    ///
    /// The components **below** the root are `lstat`ed one by one (the root itself may be reached
    /// through links). With none a link, the path is inside its root by construction (it has no
    /// dot-segments), so the common case costs one `lstat` per component and no `realpath`. Otherwise:
    /// - `followSymlinks` (`server.follow-symlink`, default enabled): links are followed, but
    ///   `realpath` of the file must lie inside `realpath` of the root (403 otherwise). lighttpd follows
    ///   links anywhere; SPEC §6 does not.
    /// - disabled: any link is refused (403), as lighttpd's `stat_cache_path_contains_symlink`.
    ///
    /// A component that does not exist is not this check's to report: nil is returned and the `stat`
    /// that follows (or came before) answers 404.
    public func checkContainment(
        _ physical: PhysicalPath, followSymlinks: Bool, fileSystem: some FileSystem
    ) -> PathRefusal? {
        checkContainment(physical, followSymlinks: followSymlinks, fileSystem: fileSystem, lastIsLink: nil)
    }

    /// `lastIsLink`: what an `lstat` of the whole path (without trailing slash) already said about its
    /// last component, to save asking again; nil to ask.
    func checkContainment(
        _ physical: PhysicalPath, followSymlinks: Bool, fileSystem: some FileSystem, lastIsLink: Bool?
    ) -> PathRefusal? {
        let relative = Array(physical.relative.utf8)
        var end = 1
        var sawLink = false
        while end <= relative.count && !sawLink {
            // A component ends at each "/" and at the end; skip the root ("/") and a trailing "/".
            if (end == relative.count || relative[end] == UInt8(ascii: "/")) && relative[end - 1] != UInt8(ascii: "/") {
                let component = physical.root + String(decoding: relative[..<end], as: UTF8.self)
                do {
                    if end == relative.count, let lastIsLink {
                        sawLink = lastIsLink
                    } else {
                        sawLink = try fileSystem.linkStatus(component).kind == .symbolicLink
                    }
                } catch {
                    return error == .noEntry || error == .notDirectory ? nil : error.refusal
                }
            }
            end += 1
        }
        guard sawLink else { return nil }
        guard followSymlinks else { return .symlinkForbidden }
        let realRoot: String
        let realFile: String
        do {
            realRoot = try fileSystem.realPath(physical.root.isEmpty ? "/" : physical.root)
            realFile = try fileSystem.realPath(physical.path)
        } catch {
            return error == .noEntry || error == .notDirectory ? nil : error.refusal
        }
        return Self.isInside(realFile, root: realRoot) ? nil : .outsideRoot
    }

    /// Whether `path` is `root` or below it, both canonical (as `realpath` returns them).
    static func isInside(_ path: String, root: String) -> Bool {
        if root == "/" { return path.utf8.first == UInt8(ascii: "/") }
        guard path.utf8.starts(with: root.utf8) else { return false }
        let rest = path.utf8.dropFirst(root.utf8.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "/")
    }

    static func trimmingTrailingSlashes(_ path: String) -> String {
        var bytes = Substring(path)
        while bytes.utf8.last == UInt8(ascii: "/") { bytes = bytes.dropLast() }
        return String(bytes)
    }
}
