/// Looks up header values for `%{Name}i` / `%{Name}o`. The server makes its header type conform
/// (NIO's `HTTPHeaders` in SluiceServer); `AccessLogHeaderList` is a plain list for tests and tools.
public protocol AccessLogHeaderSource {
    /// The value of the field named `name` (ASCII case-insensitive), repeated fields joined with
    /// `, `; nil when absent.
    func accessLogValue(named name: String) -> String?
}

/// Header fields as a list of pairs.
public struct AccessLogHeaderList: AccessLogHeaderSource, Sendable {
    public var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    public func accessLogValue(named name: String) -> String? {
        var joined: String?
        for field in fields where Self.equalIgnoringASCIICase(field.name, name) {
            joined = joined.map { $0 + ", " + field.value } ?? field.value
        }
        return joined
    }

    static func equalIgnoringASCIICase(_ left: String, _ right: String) -> Bool {
        var left = left.utf8.makeIterator()
        var right = right.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case (let a?, let b?) where MimeTypeTable.asciiLowercased(a) == MimeTypeTable.asciiLowercased(b): continue
            default: return false
            }
        }
    }
}

/// How a response ended, for `%X`.
public enum AccessLogConnectionStatus: Sendable, Hashable {
    /// `X`: the connection broke before the response was complete.
    case aborted
    /// `+`: complete, the connection stays open.
    case keepAlive
    /// `-`: complete, the connection is closed.
    case close
}

/// Everything one access-log line can show. Empty strings and nil print as `-`.
public struct AccessLogRecord<RequestHeaders: AccessLogHeaderSource, ResponseHeaders: AccessLogHeaderSource> {
    /// `%h` `%a`: the client (after mod_extforward).
    public var remoteAddress: String
    public var remotePort: Int?
    public var localAddress: String?
    public var localPort: Int?
    /// `%u`
    public var remoteUser: String?
    /// `%V`: the request's Host, lower-cased.
    public var host: String?
    /// `%v`: `server.name` when set; the host otherwise.
    public var serverName: String?
    public var method: String
    /// The request-target as received (`%r`).
    public var originalTarget: String
    /// The request-target after rewrites (`%U`, `%q`); nil = `originalTarget`.
    public var target: String?
    /// `HTTP/1.1`
    public var httpVersion: String
    public var status: Int
    /// Response body bytes sent (`%b`, `%B`).
    public var bodyBytes: Int64
    /// Request bytes received, headers included (`%I`).
    public var bytesIn: Int64
    /// Response bytes sent, headers included (`%O`).
    public var bytesOut: Int64
    /// When the request began, nanoseconds since the epoch.
    public var startNanoseconds: Int64
    /// How long it took, in nanoseconds; the end is `startNanoseconds + durationNanoseconds`.
    public var durationNanoseconds: Int64
    /// The local time zone's offset from UTC for `%t`, in seconds east (the server reads it with
    /// `localtime_r` when its per-second clock ticks).
    public var utcOffsetSeconds: Int
    public var connectionStatus: AccessLogConnectionStatus
    /// Requests served on the connection before this one (`%k`).
    public var keepAliveCount: Int
    /// The file served (`%f`).
    public var physicalPath: String?
    public var requestHeaders: RequestHeaders
    public var responseHeaders: ResponseHeaders

    public init(
        remoteAddress: String, method: String, originalTarget: String, httpVersion: String = "HTTP/1.1",
        status: Int, startNanoseconds: Int64, requestHeaders: RequestHeaders, responseHeaders: ResponseHeaders
    ) {
        self.remoteAddress = remoteAddress
        self.method = method
        self.originalTarget = originalTarget
        self.httpVersion = httpVersion
        self.status = status
        self.bodyBytes = 0
        self.bytesIn = 0
        self.bytesOut = 0
        self.startNanoseconds = startNanoseconds
        self.durationNanoseconds = 0
        self.utcOffsetSeconds = 0
        self.connectionStatus = .close
        self.keepAliveCount = 0
        self.requestHeaders = requestHeaders
        self.responseHeaders = responseHeaders
    }
}
