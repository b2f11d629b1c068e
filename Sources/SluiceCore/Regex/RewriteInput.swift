/// Everything a `RewriteTemplate` reads while rendering one result, borrowed, not copied.
///
/// Built per request from buffers the caller already holds (the request target's UTF-8, the Host header's), so it
/// costs a few words. The buffers must stay valid while the input is used: build it inside the
/// `withUTF8` / `withContiguousStorageIfAvailable` closures that lend them, or use `RewriteInput.with(…)`.
///
/// The URL parts follow lighttpd's `burl_parts_t` as mod_rewrite/mod_redirect fill it: `scheme` and `authority`
/// of the request (lighttpd uses `server.name` when the request has no authority), `port` of the listening
/// socket, `path` the %-encoded path part of the target, `query` the query without `?` (nil when the target has
/// no `?`, which differs from an empty query for `${qsa}`).
public struct RewriteInput {
    /// The bytes this rule's regex was matched against (`$n` reads from here).
    public var subject: UnsafeBufferPointer<UInt8>
    /// This rule's match in `subject`.
    public var match: RegexMatch
    /// Captures of the enclosing regex condition (`%n`), or nil when there is none.
    public var condition: Captures?
    /// `${url.scheme}`, e.g. `http`.
    public var scheme: UnsafeBufferPointer<UInt8>
    /// `${url.authority}`, e.g. `example.com:8080`.
    public var authority: UnsafeBufferPointer<UInt8>
    /// `${url.port}`: the port of the socket that accepted the request.
    public var port: UInt16
    /// `${url.path}`: the path part of the target; anything from a `?` on is ignored, so the whole target may be
    /// passed.
    public var path: UnsafeBufferPointer<UInt8>
    /// `${url.query}` / `${qsa}`: the query string without `?`, or nil when the target had no `?`.
    public var query: UnsafeBufferPointer<UInt8>?

    public init(
        subject: UnsafeBufferPointer<UInt8>,
        match: RegexMatch,
        condition: Captures? = nil,
        scheme: UnsafeBufferPointer<UInt8> = UnsafeBufferPointer(start: nil, count: 0),
        authority: UnsafeBufferPointer<UInt8> = UnsafeBufferPointer(start: nil, count: 0),
        port: UInt16 = 0,
        path: UnsafeBufferPointer<UInt8> = UnsafeBufferPointer(start: nil, count: 0),
        query: UnsafeBufferPointer<UInt8>? = nil
    ) {
        self.subject = subject
        self.match = match
        self.condition = condition
        self.scheme = scheme
        self.authority = authority
        self.port = port
        self.path = path
        self.query = query
    }

    /// Splits a request target at its first `?` into path and query (nil when there is no `?`).
    public static func splitTarget(
        _ target: UnsafeBufferPointer<UInt8>
    ) -> (path: UnsafeBufferPointer<UInt8>, query: UnsafeBufferPointer<UInt8>?) {
        guard let mark = target.firstIndex(of: UInt8(ascii: "?")) else { return (target, nil) }
        return (UnsafeBufferPointer(rebasing: target[..<mark]), UnsafeBufferPointer(rebasing: target[(mark + 1)...]))
    }

    /// Lends the UTF-8 of the given strings (without copying native strings) as a `RewriteInput`, splitting
    /// `target` into path and query. Handy where the request is at hand as Strings; the hot path may build the
    /// input directly instead.
    public static func with<Result>(
        subject: String,
        match: RegexMatch,
        condition: Captures? = nil,
        scheme: String = "http",
        authority: String = "",
        port: UInt16 = 0,
        target: String,
        _ body: (RewriteInput) throws -> Result
    ) rethrows -> Result {
        var subject = subject
        var scheme = scheme
        var authority = authority
        var target = target
        return try subject.withUTF8 { subjectBytes in
            try scheme.withUTF8 { schemeBytes in
                try authority.withUTF8 { authorityBytes in
                    try target.withUTF8 { targetBytes in
                        let (path, query) = splitTarget(targetBytes)
                        return try body(
                            RewriteInput(
                                subject: subjectBytes, match: match, condition: condition, scheme: schemeBytes,
                                authority: authorityBytes, port: port, path: path, query: query))
                    }
                }
            }
        }
    }
}
