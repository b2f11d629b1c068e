import NIOCore
import NIOHTTP1
import SluiceCore

/// A backend's response head as `HTTP1ResponseParser` read it, its fields kept as bytes: one buffer of field
/// lines, each `name: value\r\n` (the value without surrounding whitespace, in arrival order), and per field where
/// its line is and what kind of name it has. Passing a response on then copies runs of lines instead of making
/// two `String`s per field, an `HTTPHeaders`, a list and bytes again (`ResponseHeadBuilder.encodeProxied`).
struct UpstreamResponseHead: Equatable, Sendable {
    /// One field's line in `lines`.
    struct Field: Equatable, Sendable {
        /// Offset of the line in `lines` (from its reader index).
        var start: Int32
        var nameLength: Int32
        var valueLength: Int32
        var kind: ProxyHeaderName

        /// The line's size with ": " and CRLF.
        var lineLength: Int { Int(nameLength) + Int(valueLength) + 4 }
        var valueStart: Int { Int(start) + Int(nameLength) + 2 }
    }

    var version: HTTPVersion
    var status: HTTPResponseStatus
    var lines: ByteBuffer
    var fields: [Field]
    /// The connection may carry another request after this response (RFC 9112 §9.3: HTTP/1.1 unless
    /// `Connection: close`, HTTP/1.0 only with `keep-alive`; never when the close delimits the body).
    var isKeepAlive: Bool
    /// The backend's `Connection` names fields other than `close` / `keep-alive`, which are then hop-by-hop too
    /// (RFC 9110 §7.6.1): rare, and left to the general path.
    var connectionNamesFields: Bool

    init(
        version: HTTPVersion, status: HTTPResponseStatus, lines: ByteBuffer = ByteBuffer(), fields: [Field] = [],
        isKeepAlive: Bool = true, connectionNamesFields: Bool = false
    ) {
        self.version = version
        self.status = status
        self.lines = lines
        self.fields = fields
        self.isKeepAlive = isKeepAlive
        self.connectionNamesFields = connectionNamesFields
    }

    /// The fields as NIO headers, for the paths that work on strings (rewrite rules, tunnels, the access log's
    /// `%{...}o`). Bytes that are not UTF-8 are replaced, as NIO's decoder did.
    var headers: HTTPHeaders {
        var list: [(String, String)] = []
        list.reserveCapacity(fields.count)
        lines.withUnsafeReadableBytes { raw in
            for field in fields {
                list.append((string(raw, Int(field.start), Int(field.nameLength)), string(raw, field.valueStart, Int(field.valueLength))))
            }
        }
        return HTTPHeaders(list)
    }

    /// The value of the first field of `kind`.
    func first(_ kind: ProxyHeaderName) -> String? {
        guard let field = fields.first(where: { $0.kind == kind }) else { return nil }
        return value(of: field)
    }

    func contains(_ kind: ProxyHeaderName) -> Bool {
        fields.contains { $0.kind == kind }
    }

    func value(of field: Field) -> String {
        lines.withUnsafeReadableBytes { string($0, field.valueStart, Int(field.valueLength)) }
    }

    private func string(_ raw: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<start + count]), as: UTF8.self)
    }
}

extension UpstreamResponseHead {
    /// Collects a head's fields while its lines are read.
    struct Builder {
        var lines = ByteBuffer()
        var fields: [Field] = []
        var sawConnectionClose = false
        var sawConnectionKeepAlive = false
        var connectionNamesFields = false

        /// Received lines already in the stored form, `name: value` CRLF, not copied yet: they lie back to back
        /// in the read being scanned, and go into `lines` in one copy (`flushRun`, which the scan calls before
        /// that read's memory goes away). Most backends send every line this way: a head is then one copy.
        private var runStart: UnsafeRawPointer?
        private var runCount = 0

        var count: Int { fields.count }

        /// Adds a field line: `line` as received, its line end included, with `name` and `value` where they
        /// lie in it (the value without surrounding whitespace); `kind` is the name's classification.
        mutating func add(line: UnsafeRawBufferPointer, name: Range<Int>, value: Range<Int>, kind: ProxyHeaderName) {
            if fields.isEmpty {
                fields.reserveCapacity(12)
                if lines.capacity == 0 { lines = ByteBufferAllocator().buffer(capacity: 512) }
            }
            let isStoredForm =
                name.lowerBound == 0 && value.lowerBound == name.upperBound + 2
                && line[name.upperBound + 1] == HTTP1Syntax.space && value.upperBound + 2 == line.count
                && line[value.upperBound] == HTTP1Syntax.cr
            if isStoredForm, let base = line.baseAddress {
                if let runStart, runStart + runCount == base {
                    // Continues the run.
                } else {
                    flushRun()
                    runStart = base
                }
                appendField(start: lines.readableBytes + runCount, name: name, value: value, kind: kind)
                runCount += line.count
                return
            }
            flushRun()
            let nameBytes = UnsafeRawBufferPointer(rebasing: line[name])
            let valueBytes = UnsafeRawBufferPointer(rebasing: line[value])
            appendField(start: lines.readableBytes, name: name, value: value, kind: kind)
            // One capacity check per line, not one per piece.
            lines.writeWithUnsafeMutableBytes(minimumWritableBytes: name.count + value.count + 4) { raw in
                var out = PresizedByteWriter(raw)
                out.append(nameBytes)
                out.append(": ")
                out.append(valueBytes)
                out.append("\r\n")
                return out.offset
            }
        }

        /// Copies the pending run of received lines into `lines`.
        mutating func flushRun() {
            guard let start = runStart else { return }
            lines.writeBytes(UnsafeRawBufferPointer(start: start, count: runCount))
            runStart = nil
            runCount = 0
        }

        private mutating func appendField(start: Int, name: Range<Int>, value: Range<Int>, kind: ProxyHeaderName) {
            fields.append(
                Field(start: Int32(start), nameLength: Int32(name.count), valueLength: Int32(value.count), kind: kind))
        }

        /// A `Connection` value: its `close` / `keep-alive` options, and whether it names any other field.
        mutating func noteConnection(_ value: UnsafeRawBufferPointer) {
            HTTP1Syntax.forEachListElement(in: value) { token in
                if HTTP1Syntax.equalsIgnoringCase(token, "close") {
                    sawConnectionClose = true
                } else if HTTP1Syntax.equalsIgnoringCase(token, "keep-alive") {
                    sawConnectionKeepAlive = true
                } else {
                    connectionNamesFields = true
                }
            }
        }

        func finish(version: HTTPVersion, status: HTTPResponseStatus) -> UpstreamResponseHead {
            let keepAlive = version.minor >= 1 ? !sawConnectionClose : sawConnectionKeepAlive && !sawConnectionClose
            return UpstreamResponseHead(
                version: version, status: status, lines: lines, fields: fields, isKeepAlive: keepAlive,
                connectionNamesFields: connectionNamesFields)
        }
    }
}
