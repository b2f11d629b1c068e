/// The static-file options of one config scope, with lighttpd's defaults.
public struct StaticFileSettings: Sendable {
    /// `index-file.names`: tried in order in a requested directory. Names with a `/` (lighttpd's
    /// document-root-relative form) or that are `.`/`..` are refused when the config is loaded (and skipped here).
    public var indexFileNames: [String] = ["index.html", "index.htm"]
    /// `static-file.exclude-extensions`: suffixes answered with 403. Compared ASCII-case-insensitively
    /// (lighttpd compares exactly); `x.PHP` is as much a script's source as `x.php`.
    public var excludeExtensions: [String] = []
    /// `dir-listing.activate`.
    public var directoryListing = false
    /// `dir-listing.hide-dotfiles`.
    public var hideDotfiles = true
    /// `server.follow-symlink`.
    public var followSymlinks = true
    /// `static-file.etags`.
    public var etags = true
    /// `server.range-requests`.
    public var rangeRequests = true
    /// `mimetype.assign`, or the built-in table.
    public var mimeTypes: MimeTypeTable = .builtIn

    public init() {}
}

/// A regular file to send.
public struct StaticFileTarget: Sendable, Hashable {
    public let physical: PhysicalPath
    /// `stat` of the file when decided; the server sends what it `open`s and `fstat`s (a file replaced
    /// in between gets the new validators).
    public let status: FileStatus
    public let contentType: String
    /// Whether the file is a directory's index file.
    public let isIndex: Bool

    /// The path to `open`.
    public var path: String { physical.path }

    public init(physical: PhysicalPath, status: FileStatus, contentType: String, isIndex: Bool = false) {
        self.physical = physical
        self.status = status
        self.contentType = contentType
        self.isIndex = isIndex
    }
}

/// A directory to list (`dir-listing.activate` on, no index file).
public struct DirectoryListingTarget: Sendable, Hashable {
    public let physical: PhysicalPath
    /// The URL path, ends in `/`: the listing's title and the base of its links.
    public let urlPath: RequestPath
}

/// What to answer a request for a path under the document root or an alias.
public enum StaticFileDecision: Sendable, Hashable {
    /// 200 (or 206/304/412/416 once `StaticResponsePlan` has looked at the request's headers).
    case serveFile(StaticFileTarget)
    /// 200 with `DirectoryListing.render` of the directory's entries.
    case listDirectory(DirectoryListingTarget)
    /// 301 to `location`, a path-absolute URL: a directory requested without its trailing slash.
    case redirect(location: String)
    /// An error status (`refusal.status`).
    case refuse(PathRefusal)
}

/// mod_staticfile, mod_indexfile and the physical-path checks of lighttpd, without the I/O: given a
/// request path and a `FileSystem`, decide what to serve.
///
/// Order (lighttpd's `http_response_physical_path_check`, then its handlers):
/// 1. `stat` the mapped path: missing → 404, permission → 403, other errors → 500.
/// 2. Symbolic links out of the root (or any, with `follow-symlink` disabled) → 403.
/// 3. A directory without trailing slash → 301 to the path + `/`, the query kept.
/// 4. A directory: the first `index-file.names` entry that is a regular file is served (the same
///    checks apply to it); else the listing when `dir-listing.activate`, else 403.
/// 5. A regular file whose name ends with an excluded extension → 403; anything else not a regular
///    file (device, FIFO, socket) → 403; a regular file → served with its `Content-Type`.
public struct StaticFileDecider: Sendable {
    public let resolver: StaticPathResolver
    public let settings: StaticFileSettings
    private let excludedSuffixes: [[UInt8]]

    public init(resolver: StaticPathResolver, settings: StaticFileSettings) {
        self.resolver = resolver
        self.settings = settings
        self.excludedSuffixes = settings.excludeExtensions.map { $0.utf8.map(MimeTypeTable.asciiLowercased) }
    }

    /// `rawPath` as sent (percent-encoded, no query); `query` without its `?`, nil when the target had
    /// no `?`.
    public func decide(rawPath: some Collection<UInt8>, query: String?, fileSystem: some FileSystem)
        -> StaticFileDecision
    {
        do {
            return decide(path: try RequestPath.normalize(rawPath), query: query, fileSystem: fileSystem)
        } catch {
            return .refuse(error)
        }
    }

    /// `path` may come from the condition stage's normalisation; one that let a `%2F` through is a 404
    /// here all the same.
    public func decide(path: RequestPath, query: String?, fileSystem: some FileSystem) -> StaticFileDecision {
        if let offset = path.encodedSlashOffset { return .refuse(.encodedSlash(offset: offset)) }
        let physical = resolver.physicalPath(for: path)
        let checked = check(physical, fileSystem)
        let status: FileStatus
        switch checked.status {
        case .success(let found): status = found
        case .failure(let error): return .refuse(error.refusal)
        }
        if let refusal = checked.containment { return .refuse(refusal) }
        switch status.kind {
        case .regular:
            // "file.html/" is not a directory, whatever the file system says about the trailing slash.
            guard !path.hasTrailingSlash else { return .refuse(.notFound) }
            return serve(physical, status, isIndex: false)
        case .directory:
            guard path.hasTrailingSlash else { return .redirect(location: Self.directoryLocation(path, query)) }
            return directory(physical, path, fileSystem)
        case .symbolicLink, .other:
            return .refuse(.notRegularFile)
        }
    }

    private func directory(_ physical: PhysicalPath, _ path: RequestPath, _ fileSystem: some FileSystem)
        -> StaticFileDecision
    {
        let directory = physical.relative.utf8.last == UInt8(ascii: "/") ? physical : physical.appending("/")
        for name in settings.indexFileNames where Self.isPlainName(name) {
            let candidate = directory.appending(name)
            let checked = check(candidate, fileSystem)
            let status: FileStatus
            switch checked.status {
            case .success(let found): status = found
            case .failure(let error):
                if error.refusal == .forbidden { return .refuse(.forbidden) }
                continue
            }
            guard status.kind == .regular else { continue }
            if let refusal = checked.containment { return .refuse(refusal) }
            return serve(candidate, status, isIndex: true)
        }
        guard settings.directoryListing else { return .refuse(.noIndex) }
        return .listDirectory(DirectoryListingTarget(physical: directory, urlPath: path))
    }

    private func serve(_ physical: PhysicalPath, _ status: FileStatus, isIndex: Bool) -> StaticFileDecision {
        let path = physical.path
        if isExcluded(path) { return .refuse(.excludedExtension) }
        let target = StaticFileTarget(
            physical: physical, status: status, contentType: settings.mimeTypes.contentType(forPath: path),
            isIndex: isIndex)
        return .serveFile(target)
    }

    /// The status and containment verdict of `physical`, through the file system's memory of them when it
    /// keeps one (the per-loop stat cache answers a busy file without a single lookup per component).
    private func check(_ physical: PhysicalPath, _ fileSystem: some FileSystem) -> PathCheck {
        let key = PathCheck.Key(root: physical.root, relative: physical.relative, followSymlinks: settings.followSymlinks)
        return fileSystem.checkedPath(key) {
            let found = Result { () throws(FileSystemError) in try Self.status(physical, fileSystem) }
            switch found {
            case .success(let (status, lastIsLink)):
                return PathCheck(
                    status: .success(status), containment: containmentRefusal(physical, fileSystem, lastIsLink: lastIsLink))
            case .failure(let error):
                return PathCheck(status: .failure(error), containment: nil)
            }
        }
    }

    /// `stat` of the path, by way of `lstat`: for anything but a link (the common case) that is the
    /// same answer, and it also tells the containment check about the last component, one system
    /// call instead of two. A path ending in "/" is followed by `lstat` anyway, so it says nothing
    /// about links (`lastIsLink` is then re-checked by the walk).
    private static func status(_ physical: PhysicalPath, _ fileSystem: some FileSystem)
        throws(FileSystemError) -> (FileStatus, lastIsLink: Bool)
    {
        let path = physical.path
        let link = try fileSystem.linkStatus(path)
        guard link.kind == .symbolicLink else { return (link, false) }
        return (try fileSystem.status(path), true)
    }

    private func containmentRefusal(_ physical: PhysicalPath, _ fileSystem: some FileSystem, lastIsLink: Bool)
        -> PathRefusal?
    {
        // With a trailing "/", the walk looks at the last component itself (lstat followed it).
        let known = physical.relative.utf8.last == UInt8(ascii: "/") ? nil : lastIsLink
        return resolver.checkContainment(
            physical, followSymlinks: settings.followSymlinks, fileSystem: fileSystem, lastIsLink: known)
    }

    private func isExcluded(_ path: String) -> Bool {
        guard !excludedSuffixes.isEmpty else { return false }
        let bytes = Array(path.utf8)
        return excludedSuffixes.contains { suffix in
            suffix.count <= bytes.count
                && zip(suffix, bytes[(bytes.count - suffix.count)...]).allSatisfy {
                    $0 == MimeTypeTable.asciiLowercased($1)
                }
        }
    }

    /// The redirect target for a directory asked for without its slash: the normalised path,
    /// re-encoded, plus `/` and the query as sent. Built from the normalised path, never the raw one,
    /// so `//evil.example/` (a network-path reference) cannot come out of it.
    static func directoryLocation(_ path: RequestPath, _ query: String?) -> String {
        var location = PercentEncoding.encodePath(path.bytes)
        location.append(UInt8(ascii: "/"))
        if let query {
            location.append(UInt8(ascii: "?"))
            location.append(contentsOf: query.utf8)
        }
        return String(decoding: location, as: UTF8.self)
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.utf8.contains(UInt8(ascii: "/"))
    }
}
