/// Request headers as the condition evaluator reads them (`$REQUEST_HEADER[...]`, `useragent`, ...).
/// The server adapts NIO's `HTTPHeaders`; `explain` and tests use `HeaderList`.
public protocol HeaderLookup {
    /// The first value of a header, compared case-insensitively by name; nil when absent.
    func firstValue(name: String) -> String?
}

/// A plain list of headers.
public struct HeaderList: HeaderLookup, Sendable {
    public var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    public func firstValue(name: String) -> String? {
        fields.first { $0.name.utf8.count == name.utf8.count && $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// What the stages know about a request, independent of how it arrived. The target is rewritten in place by
/// the rewrite stage; everything else stays as received.
public struct RequestFacts: Sendable {
    public var method: String
    /// The request-target as sent (percent-encoded, with `?query`), or as rewritten so far.
    public var target: [UInt8]
    /// The Host (or absolute-form authority), lower-cased; may carry `:port`.
    public var host: String
    /// `http` or `https`.
    public var scheme: String
    public var remoteAddress: IPAddress?
    /// The port of the listening socket that accepted the request (`${url.port}`).
    public var localPort: UInt16
    /// The `$SERVER["socket"]` blocks naming that listening socket (usually none or one).
    public var socketBlocks: [Int]

    public init(
        method: String, target: [UInt8], host: String, scheme: String = "http", remoteAddress: IPAddress? = nil,
        localPort: UInt16 = 80, socketBlocks: [Int] = []
    ) {
        self.method = method
        self.target = target
        self.host = host
        self.scheme = scheme
        self.remoteAddress = remoteAddress
        self.localPort = localPort
        self.socketBlocks = socketBlocks
    }

    /// The path part of the target (before `?`), still encoded.
    public var rawPath: ArraySlice<UInt8> {
        target.firstIndex(of: UInt8(ascii: "?")).map { target[..<$0] } ?? target[...]
    }

    /// The query (after the first `?`), or nil when there is none.
    public var rawQuery: ArraySlice<UInt8>? {
        target.firstIndex(of: UInt8(ascii: "?")).map { target[($0 + 1)...] }
    }
}
