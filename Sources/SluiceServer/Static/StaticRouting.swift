import Glibc
import SluiceCore

/// File-system questions the rewrite stage asks.
enum StaticRouting {
    /// For `url.rewrite-if-not-file`: does the target's path (as sent) name a regular file under the
    /// document root (or alias) in effect for these blocks?
    static func isRegularFile(path: ArraySlice<UInt8>, site: Site, active: ActiveBlocks) -> Bool {
        let files = ResolvedOptions(site: site, active: active).files
        guard let root = files.documentRoot, let requestPath = try? RequestPath.normalize(path) else { return false }
        let physical = StaticPathResolver(documentRoot: root, aliases: files.aliases).physicalPath(for: requestPath)
        var info = stat()
        return stat(physical.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
