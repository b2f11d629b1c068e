import NIOCore
import NIOHTTP1

/// Which endpoint a request-target names, with its parsed query parameters.
///
/// Pure: built from the target string alone so the routing table is in one place. Paths match exactly
/// (`/echo` also matches anything under `/echo/`, so proxy tests can check a forwarded path verbatim);
/// a query string is ignored except where an endpoint reads parameters from it.
enum WorkerRoute: Equatable, Sendable {
    /// `/`: a fixed plain-text greeting naming the worker (the benchmark path).
    case hello
    /// `/welcome`: where `/redirect` points.
    case welcome
    /// `/echo`, `/echo/...`: the request as received, as JSON.
    case echo
    /// `/sse?n=N&interval-ms=M`: N server-sent events, one every M milliseconds.
    case serverSentEvents(count: Int, interval: TimeAmount)
    /// `/ws` without a WebSocket upgrade (an upgrade never reaches the HTTP handler): 426.
    case webSocketWithoutUpgrade
    /// `/redirect`: 302 to this worker's own `http://host:port/welcome`.
    case redirect
    /// `/cookie`: sets `worker=NAME; Path=/`.
    case cookie
    /// `/bytes?n=N`: N bytes of a fixed pattern, streamed.
    case bytes(count: Int)
    /// `/status/CODE`: that status.
    case status(HTTPResponseStatus)
    /// A known endpoint with a parameter it cannot use: 400 with the reason.
    case badRequest(reason: String)
    /// Anything else: 404.
    case notFound

    /// Defaults and bounds of the query parameters; bounded so a typo cannot tie a worker up for days.
    enum Limits {
        static let defaultEventCount = 5
        static let maximumEventCount = 1_000_000
        static let defaultEventIntervalMilliseconds: Int64 = 1000
        static let maximumEventIntervalMilliseconds: Int64 = 3_600_000
        static let defaultByteCount = 1024
    }

    init(target: String) {
        // The benchmark path first, with no splitting at all.
        if target == "/" {
            self = .hello
            return
        }
        let path: Substring
        let query: Substring
        if let mark = target.firstIndex(of: "?") {
            path = target[..<mark]
            query = target[target.index(after: mark)...]
        } else {
            path = target[...]
            query = ""
        }
        switch path {
        case "/":
            self = .hello
        case "/welcome":
            self = .welcome
        case "/echo":
            self = .echo
        case "/sse":
            self = Self.serverSentEvents(query: query)
        case "/ws":
            self = .webSocketWithoutUpgrade
        case "/redirect":
            self = .redirect
        case "/cookie":
            self = .cookie
        case "/bytes":
            self = Self.bytes(query: query)
        default:
            if path.hasPrefix("/echo/") {
                self = .echo
            } else if path.hasPrefix("/status/") {
                self = Self.status(code: path.dropFirst("/status/".count))
            } else {
                self = .notFound
            }
        }
    }

    /// Whether an `Upgrade: websocket` request for `target` is accepted (only `/ws`, any query).
    static func isWebSocketTarget(_ target: String) -> Bool {
        target == "/ws" || target.hasPrefix("/ws?")
    }

    private static func serverSentEvents(query: Substring) -> WorkerRoute {
        var count = Limits.defaultEventCount
        var interval = Limits.defaultEventIntervalMilliseconds
        for (name, value) in QueryParameters(query) {
            switch name {
            case "n":
                guard let n = Int(value), (0...Limits.maximumEventCount).contains(n) else {
                    return .badRequest(reason: "n must be an integer in 0...\(Limits.maximumEventCount)")
                }
                count = n
            case "interval-ms":
                guard let m = Int64(value), (0...Limits.maximumEventIntervalMilliseconds).contains(m) else {
                    return .badRequest(
                        reason: "interval-ms must be an integer in 0...\(Limits.maximumEventIntervalMilliseconds)"
                    )
                }
                interval = m
            default:
                continue
            }
        }
        return .serverSentEvents(count: count, interval: .milliseconds(interval))
    }

    private static func bytes(query: Substring) -> WorkerRoute {
        var count = Limits.defaultByteCount
        for (name, value) in QueryParameters(query) where name == "n" {
            guard let n = Int(value), n >= 0 else {
                return .badRequest(reason: "n must be a non-negative integer")
            }
            count = n
        }
        return .bytes(count: count)
    }

    private static func status(code: Substring) -> WorkerRoute {
        // Final statuses only: a 1xx is not a response on its own (RFC 9110 §15.2).
        guard code.utf8.count == 3, let value = Int(code), (200...599).contains(value) else {
            return .badRequest(reason: "CODE must be a status in 200...599")
        }
        return .status(HTTPResponseStatus(statusCode: value))
    }
}

/// `name=value` pairs of a query string, split on `&`; no percent-decoding (the parameters read here are
/// plain integers).
struct QueryParameters: Sequence {
    private let query: Substring

    init(_ query: Substring) {
        self.query = query
    }

    func makeIterator() -> AnyIterator<(name: Substring, value: Substring)> {
        var pairs = self.query.split(separator: "&", omittingEmptySubsequences: true).makeIterator()
        return AnyIterator {
            guard let pair = pairs.next() else { return nil }
            guard let equals = pair.firstIndex(of: "=") else { return (pair, "") }
            return (pair[..<equals], pair[pair.index(after: equals)...])
        }
    }
}
