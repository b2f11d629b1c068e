extension AccessLogFormat {
    /// Appends one line for `record`, ending in `\n`, to `line`.
    ///
    /// Text taken from the request or response (addresses, user, host, target, headers, cookie, file
    /// name) is escaped as lighttpd's default `accesslog.escaping` does, so a line is always one line
    /// and a quoted field cannot be closed from outside: printable ASCII is kept; `"` → `\"`,
    /// `\` → `\\`; `\a \b \t \n \v \f \r` as such; every other byte, including bytes ≥ 0x80, →
    /// `\xHH`. An absent or empty value prints `-`, except `%q` which prints nothing (as Apache and
    /// lighttpd).
    public func render(
        _ record: AccessLogRecord<some AccessLogHeaderSource, some AccessLogHeaderSource>, into line: inout [UInt8]
    ) {
        for part in parts {
            switch part {
            case .literal(let bytes): line.append(contentsOf: bytes)
            case .remoteAddress: Self.appendField(record.remoteAddress, to: &line)
            case .localAddress: Self.appendField(record.localAddress, to: &line)
            case .remoteUser: Self.appendField(record.remoteUser, to: &line)
            case .time(let format, let moment):
                let nanoseconds =
                    moment == .begin ? record.startNanoseconds : record.startNanoseconds + record.durationNanoseconds
                format.append(nanoseconds, utcOffsetSeconds: record.utcOffsetSeconds, to: &line)
            case .requestLine:
                Self.appendEscaped(record.method.utf8, to: &line)
                line.append(0x20)
                Self.appendEscaped(record.originalTarget.utf8, to: &line)
                line.append(0x20)
                Self.appendEscaped(record.httpVersion.utf8, to: &line)
            case .status: line.appendDecimal(record.status)
            case .bodyBytes:
                if record.bodyBytes > 0 { line.appendDecimal(record.bodyBytes) } else { line.append(UInt8(ascii: "-")) }
            case .bodyBytesOrZero: line.appendDecimal(max(record.bodyBytes, 0))
            case .duration(let unit): line.appendDecimal(max(record.durationNanoseconds, 0) / unit.nanosecondsPerUnit)
            case .requestHeader(let name):
                Self.appendField(record.requestHeaders.accessLogValue(named: name), to: &line)
            case .responseHeader(let name):
                Self.appendField(record.responseHeaders.accessLogValue(named: name), to: &line)
            case .cookie(let name):
                let cookie = record.requestHeaders.accessLogValue(named: "Cookie").flatMap { Self.cookie(name, in: $0) }
                    .map(String.init)
                Self.appendField(cookie, to: &line)
            case .serverName: Self.appendField(record.serverName ?? record.host, to: &line)
            case .host: Self.appendField(record.host, to: &line)
            case .urlPath:
                let target = (record.target ?? record.originalTarget).utf8
                Self.appendField(target.prefix { $0 != UInt8(ascii: "?") }, to: &line)
            case .query:
                let target = (record.target ?? record.originalTarget).utf8
                if let mark = target.firstIndex(of: UInt8(ascii: "?")) {
                    Self.appendEscaped(target[target.index(after: mark)...], to: &line)
                }
            case .method: Self.appendField(record.method, to: &line)
            case .httpVersion: Self.appendField(record.httpVersion, to: &line)
            case .localPort: Self.appendNumber(record.localPort, to: &line)
            case .remotePort: Self.appendNumber(record.remotePort, to: &line)
            case .bytesIn: line.appendDecimal(record.bytesIn)
            case .bytesOut: line.appendDecimal(record.bytesOut)
            case .connectionStatus:
                switch record.connectionStatus {
                case .aborted: line.append(UInt8(ascii: "X"))
                case .keepAlive: line.append(UInt8(ascii: "+"))
                case .close: line.append(UInt8(ascii: "-"))
                }
            case .keepAliveCount: line.appendDecimal(record.keepAliveCount)
            case .filename: Self.appendField(record.physicalPath, to: &line)
            case .unavailable: line.append(UInt8(ascii: "-"))
            }
        }
        line.append(0x0A)
    }

    /// The line for `record` as bytes, `\n` included.
    public func render(_ record: AccessLogRecord<some AccessLogHeaderSource, some AccessLogHeaderSource>) -> [UInt8] {
        var line = [UInt8]()
        line.reserveCapacity(256)
        render(record, into: &line)
        return line
    }

    private static func appendField(_ value: String?, to line: inout [UInt8]) {
        guard let value, !value.isEmpty else {
            line.append(UInt8(ascii: "-"))
            return
        }
        appendEscaped(value.utf8, to: &line)
    }

    private static func appendField(_ value: some Collection<UInt8>, to line: inout [UInt8]) {
        if value.isEmpty { line.append(UInt8(ascii: "-")) } else { appendEscaped(value, to: &line) }
    }

    private static func appendNumber(_ value: Int?, to line: inout [UInt8]) {
        if let value { line.appendDecimal(value) } else { line.append(UInt8(ascii: "-")) }
    }

    /// lighttpd's default log escaping (see `render`). Runs of bytes that need no escape are copied in
    /// one go: most values have none.
    static func appendEscaped(_ bytes: some Collection<UInt8>, to line: inout [UInt8]) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { appendEscaped(buffer: $0, to: &line) }
        if done == nil { Array(bytes).withUnsafeBufferPointer { appendEscaped(buffer: $0, to: &line) } }
    }

    private static func appendEscaped(buffer: UnsafeBufferPointer<UInt8>, to line: inout [UInt8]) {
        var runStart = 0
        var index = 0
        while index < buffer.count {
            let byte = buffer[index]
            if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index]))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                line.append(UInt8(ascii: "\\"))
                line.append(byte)
            case 0x07...0x0D:
                line.append(UInt8(ascii: "\\"))
                line.append(controlEscapeLetters[Int(byte - 0x07)])
            default:
                line.append(UInt8(ascii: "\\"))
                line.append(UInt8(ascii: "x"))
                line.append(PercentEncoding.upperHexDigits[Int(byte >> 4)])
                line.append(PercentEncoding.upperHexDigits[Int(byte & 0x0F)])
            }
            index += 1
            runStart = index
        }
        line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index]))
    }

    private static let controlEscapeLetters: [UInt8] = Array("abtnvfr".utf8)

    /// The value of cookie `name` in a `Cookie` field (`a=1; b=2`), names compared exactly, the value
    /// trimmed of spaces; nil when absent.
    static func cookie(_ name: String, in field: String) -> Substring? {
        for pair in field.split(separator: ";") {
            let trimmed = pair.drop { $0 == " " || $0 == "\t" }
            guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name[...] else { continue }
            var value = trimmed[trimmed.index(after: equals)...]
            while value.last == " " || value.last == "\t" { value = value.dropLast() }
            return value
        }
        return nil
    }
}
