import Glibc
import NIOCore
import NIOHTTP1
import SluiceCore

extension HTTPRequestHandler {
    /// Appends the request's line to the access log in effect for it, if any.
    func logAccess(_ record: RequestRecord) {
        guard let routed = record.routed, let path = routed.options.files.accessLogFile,
            let writer = runtime.accessLogs[path]
        else { return }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let elapsed = Int64(NIODeadline.now().uptimeNanoseconds) - Int64(record.started.uptimeNanoseconds)
        let head = record.head
        var line = AccessLogRecord(
            remoteAddress: record.client ?? connection.remoteText, method: head.method.rawValue, originalTarget: head.uri,
            httpVersion: "HTTP/\(head.version.major).\(head.version.minor)", status: record.status,
            startNanoseconds: Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec) - elapsed,
            requestHeaders: head.headers, responseHeaders: record.responseHeaders)
        line.remotePort = connection.remotePort
        line.localPort = Int(connection.localPort)
        line.remoteUser = record.user
        line.host = routed.facts.host
        line.target = String(decoding: routed.facts.target, as: UTF8.self)
        line.bodyBytes = record.bodyBytes
        line.bytesOut = record.bodyBytes
        line.durationNanoseconds = elapsed
        line.keepAliveCount = requestCount - 1
        line.utcOffsetSeconds = dates.utcOffset(at: Int(now.tv_sec))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        routed.options.files.accessLogFormat.render(line, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        writer.write(bytes)
    }
}
