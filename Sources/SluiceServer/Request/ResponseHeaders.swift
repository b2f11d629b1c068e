import Glibc
import LighttpdConfig
import NIOCore
import NIOHTTP1
import SluiceCore

/// The `Date` header value, formatted at most once per second per connection (RFC 9110 §6.6.1).
struct DateHeaderCache {
    private var second: Int64 = -1
    private var value = ""

    mutating func current() -> String {
        let now = Int64(time(nil))
        if now != second {
            second = now
            value = HTTPDate.string(now)
        }
        return value
    }

    private var offsetSecond = -1
    private var offset = 0

    /// The local time zone's offset from UTC at `seconds` (for the access log's `%t`), looked up with
    /// `localtime_r` at most once per second.
    mutating func utcOffset(at seconds: Int) -> Int {
        if seconds != offsetSecond {
            offsetSecond = seconds
            var time = time_t(seconds)
            var parts = tm()
            localtime_r(&time, &parts)
            offset = Int(parts.tm_gmtoff)
        }
        return offset
    }

    /// Unix seconds of the cached value (for validators compared with "now").
    var seconds: Int64 { second < 0 ? Int64(time(nil)) : second }
}

/// Builds response heads with the headers every response carries.
struct ResponseHeadBuilder {
    var serverTag: String
    var date: String
    /// mod_setenv for responses.
    var addFields: [ConfigPair] = []
    var setFields: [ConfigPair] = []

    /// `Server`, `Date`, then `fields`, then `Connection: close` when the connection ends after this response
    /// (HTTP/1.0 clients are told `keep-alive` when it stays open).
    func head(
        status: HTTPResponseStatus, version: HTTPVersion, fields: [(name: String, value: String)], keepAlive: Bool
    ) -> HTTPResponseHead {
        var list = startList(extra: fields.count)
        for field in fields { list.append((field.name, field.value)) }
        return finish(list, status: status, version: version, keepAlive: keepAlive)
    }

    /// The same for a list as `ProxiedResponseHeaders` builds it. `keepingOrigin`: a backend's own `Server` and
    /// `Date` are kept and Sluice's added only when it sent none (lighttpd's rule; two `Date` fields would be
    /// invalid, RFC 9110 §6.6.1).
    func head(
        status: HTTPResponseStatus, version: HTTPVersion, fieldList: [(String, String)], keepAlive: Bool,
        keepingOrigin: Bool = false
    ) -> HTTPResponseHead {
        var hasServer = false
        var hasDate = false
        if keepingOrigin {
            for (name, _) in fieldList {
                switch ProxyHeaderName(name) {
                case .server: hasServer = true
                case .date: hasDate = true
                default: break
                }
            }
        }
        var list = startList(extra: fieldList.count, server: !hasServer, date: !hasDate)
        list.append(contentsOf: fieldList)
        return finish(list, status: status, version: version, keepAlive: keepAlive)
    }

    private func startList(extra: Int, server: Bool = true, date: Bool = true) -> [(String, String)] {
        var list: [(String, String)] = []
        list.reserveCapacity(extra + 4 + addFields.count + setFields.count)
        if server && !serverTag.isEmpty { list.append(("Server", serverTag)) }
        if date { list.append(("Date", self.date)) }
        return list
    }

    /// The list becomes `HTTPHeaders` in one piece: adding field by field checks each name for `Connection`.
    private func finish(_ list: [(String, String)], status: HTTPResponseStatus, version: HTTPVersion, keepAlive: Bool)
        -> HTTPResponseHead
    {
        let connection: String? = !keepAlive ? "close" : version.minor == 0 ? "keep-alive" : nil
        var headers: HTTPHeaders
        if setFields.isEmpty {
            var list = list
            for pair in addFields { list.append((pair.key, pair.value)) }
            if let connection { list.append(("Connection", connection)) }
            headers = HTTPHeaders(list)
        } else {
            headers = HTTPHeaders(list)
            for pair in setFields {
                headers.remove(name: pair.key)
                if !pair.value.isEmpty { headers.add(name: pair.key, value: pair.value) }
            }
            for pair in addFields { headers.add(name: pair.key, value: pair.value) }
            if let connection { headers.add(name: "Connection", value: connection) }
        }
        return HTTPResponseHead(version: version.major == 1 ? version : .http1_1, status: status, headers: headers)
    }
}

/// Error bodies: `server.errorfile-prefix` + `STATUS.html` when that file exists, else a small HTML page.
enum ErrorBody {
    /// Error files larger than this are not used (an error page is small; this bounds a blocking read).
    static let maximumFileSize = 256 * 1024

    static func make(status: HTTPResponseStatus, prefix: String?, allocator: ByteBufferAllocator)
        -> (body: ByteBuffer, contentType: String)
    {
        if let prefix, let file = read(prefix + String(status.code) + ".html") {
            return (allocator.buffer(bytes: file), "text/html; charset=utf-8")
        }
        let title = "\(status.code) \(status.reasonPhrase)"
        let html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(title)</title></head>
            <body><h1>\(title)</h1></body></html>

            """
        return (allocator.buffer(string: html), "text/html; charset=utf-8")
    }

    private static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while bytes.count <= maximumFileSize {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes.count <= maximumFileSize ? bytes : nil
    }
}
