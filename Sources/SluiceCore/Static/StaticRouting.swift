/// File-system questions the rewrite stage asks (the server through its stat cache, `explain` directly).
public enum StaticRouting {
    /// For `url.rewrite-if-not-file`: does the target's path (as sent) name a regular file under the
    /// document root (or alias) in effect for these blocks?
    public static func isRegularFile(
        path: ArraySlice<UInt8>, site: Site, active: ActiveBlocks, fileSystem: some FileSystem
    ) -> Bool {
        let files = site.resolvedOptions(for: active).files
        guard let root = files.documentRoot, let requestPath = try? RequestPath.normalize(path) else { return false }
        let physical = StaticPathResolver(documentRoot: root, aliases: files.aliases).physicalPath(for: requestPath)
        return (try? fileSystem.status(physical.path).kind) == .regular
    }
}
