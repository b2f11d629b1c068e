/// lighttpd 1.5's pseudo-keys of `proxy-core.rewrite-request` for FastCGI and SCGI backends, which set where the
/// request goes in the app instead of the default split (`CGIEnvironment`):
///
///     proxy-core.rewrite-request = ( "_scriptname" => ( "^(/app/[^/]+\.php)" => "$1" ),
///                                    "_pathinfo"   => ( "^/app/[^/]+\.php(/.*)" => "$1" ),
///                                    "_docroot"    => ( "^(.*)$" => "/srv/php" ) )
///
/// `_scriptname` and `_pathinfo` match the request's path (decoded, as `$HTTP["url"]` sees it), `_docroot` the
/// document root; the first rule that matches gives the variable's value (`SCRIPT_NAME`, `PATH_INFO`,
/// `DOCUMENT_ROOT`), no match leaves the default. With `_scriptname`, `SCRIPT_FILENAME` is the document root
/// followed by that script. `%n` refers to the enclosing condition's captures, as in the other rules.
public struct CGIVariableRewrites: Sendable {
    public static let keys: Set<String> = ["_scriptname", "_pathinfo", "_docroot"]

    public var scriptName: [UInt8]?
    public var pathInfo: [UInt8]?
    public var documentRoot: [UInt8]?

    public init(scriptName: [UInt8]? = nil, pathInfo: [UInt8]? = nil, documentRoot: [UInt8]? = nil) {
        self.scriptName = scriptName
        self.pathInfo = pathInfo
        self.documentRoot = documentRoot
    }

    /// The values the rules give for a request (none when no rule is set or none matches).
    public static func resolve(
        _ rewrites: [HeaderRewrite], path: [UInt8], documentRoot: String, context: RewriteContext
    ) -> CGIVariableRewrites {
        var result = CGIVariableRewrites()
        for rewrite in rewrites {
            var output: [UInt8] = []
            let matched: Bool
            if rewrite.header == "_docroot" {
                var root = documentRoot
                matched = root.withUTF8 { context.renderFirstMatch(rewrite.rules, subject: $0, into: &output) != nil }
            } else {
                matched = path.withUnsafeBufferPointer { context.renderFirstMatch(rewrite.rules, subject: $0, into: &output) != nil }
            }
            guard matched else { continue }
            switch rewrite.header {
            case "_scriptname": result.scriptName = output
            case "_pathinfo": result.pathInfo = output
            default: result.documentRoot = output
            }
        }
        return result
    }
}
