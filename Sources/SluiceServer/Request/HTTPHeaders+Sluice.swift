import NIOHTTP1
import SluiceCore

extension HTTPHeaders: HeaderLookup {
    public func firstValue(name: String) -> String? {
        first(name: name)
    }
}

extension HTTPHeaders: AccessLogHeaderSource {
    public func accessLogValue(named name: String) -> String? {
        first(name: name)
    }
}

extension ConditionalHeaders {
    /// The validator and Range fields of a request.
    init(_ headers: HTTPHeaders) {
        self.init(
            ifMatch: headers.first(name: "If-Match"), ifNoneMatch: headers.first(name: "If-None-Match"),
            ifModifiedSince: headers.first(name: "If-Modified-Since"),
            ifUnmodifiedSince: headers.first(name: "If-Unmodified-Since"), ifRange: headers.first(name: "If-Range"),
            range: headers.first(name: "Range"))
    }
}
