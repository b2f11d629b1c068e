import NIOCore
import NIOHTTP1
import SluiceCore

/// A response head already in bytes, for `HTTP1ServerCodec.writeEncodedHead`: the status line and the field
/// lines, without the framing and `Connection` lines and the empty line, which the codec adds (it knows whether
/// the request was `HEAD` and whether the server is shutting down).
struct EncodedResponseHead {
    var bytes: ByteBuffer
    var status: HTTPResponseStatus
    /// The fields include `Content-Length`.
    var hasContentLength: Bool
    /// The connection stays open after this response.
    var keepAlive: Bool

    /// Room left in `bytes` for what the codec appends (`Transfer-Encoding: chunked`, a `Connection` line, the
    /// empty line), so it never reallocates.
    static let tailRoom = 64
}

extension ResponseHeadBuilder {
    /// Whether `encodeProxied` can produce this configuration's heads: `setenv.set-response-header` (which
    /// replaces fields) is left to the general path.
    var encodesProxiedHeads: Bool { setFields.isEmpty }

    /// The client's head for a backend's response, built from its field lines (SPEC §4), what
    /// `ProxiedResponseHeaders.build` then `head(status:version:fieldList:keepAlive:)` give as strings:
    /// - the status line in the client's HTTP version, with Sluice's reason phrase;
    /// - `Server` (`server.tag`) and `Date` only when the backend sent none (lighttpd's rule: the origin's own
    ///   are kept);
    /// - the backend's fields in its order and spelling, copied as runs of lines, without the hop-by-hop ones
    ///   (RFC 9110 §7.6.1), without `Content-Length` on a status that has no content; `Location`,
    ///   `Content-Location` and `Set-Cookie` reverse-mapped when `mapper` gives a mapper;
    /// - `setenv.add-response-header` fields.
    /// Not for heads whose `Connection` names other fields (`connectionNamesFields`), nor with `set-response-header`.
    func encodeProxied(
        _ head: UpstreamResponseHead, version clientVersion: HTTPVersion, keepAlive: Bool,
        mapper makeMapper: () -> ReverseMapper?, allocator: ByteBufferAllocator
    ) -> EncodedResponseHead {
        let version = clientVersion.major == 1 ? clientVersion : .http1_1
        let status = head.status
        let dropsLength = !status.mayHaveResponseBody
        let reason = status.reasonPhrase
        // What to add or change, found first so the buffer is sized exactly.
        var hasServer = false
        var hasDate = false
        var hasContentLength = false
        var mapped: [(index: Int, value: String)] = []
        var mapperMade = false
        var mapper: ReverseMapper?
        // The status line, then at most every line received.
        var size = PresizedByteWriter.statusLineSize(version, status, reason: reason) + head.lines.readableBytes
        for (index, field) in head.fields.enumerated() {
            switch field.kind {
            case .server: hasServer = true
            case .date: hasDate = true
            case .contentLength: hasContentLength = !dropsLength
            case .location, .contentLocation, .setCookie:
                if !mapperMade {
                    mapper = makeMapper()
                    mapperMade = true
                }
                guard let mapper else { continue }
                let value = head.value(of: field)
                let result = field.kind == .setCookie ? mapper.mapSetCookie(value) : mapper.mapLocation(value)
                if let result, result != value {
                    mapped.append((index, result))
                    size += result.utf8.count - Int(field.valueLength)
                }
            default:
                break
            }
        }
        let addsServer = !hasServer && !serverTag.isEmpty
        if addsServer { size += 10 + serverTag.utf8.count }
        if !hasDate { size += 8 + date.utf8.count }
        for pair in addFields { size += pair.key.utf8.count + pair.value.utf8.count + 4 }

        var buffer = allocator.buffer(capacity: size + EncodedResponseHead.tailRoom)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var out = PresizedByteWriter(raw)
            out.appendStatusLine(version, status, reason: reason)
            if addsServer {
                out.append("Server: ")
                out.append(serverTag)
                out.append("\r\n")
            }
            if !hasDate {
                out.append("Date: ")
                out.append(date)
                out.append("\r\n")
            }
            head.lines.withUnsafeReadableBytes { lines in
                // Kept lines are copied a run at a time: a typical head is one copy.
                var runStart = 0
                var runEnd = 0
                var nextMapped = 0
                for (index, field) in head.fields.enumerated() {
                    let start = Int(field.start)
                    let replacement: String?
                    if nextMapped < mapped.count, mapped[nextMapped].index == index {
                        replacement = mapped[nextMapped].value
                        nextMapped += 1
                    } else {
                        replacement = nil
                    }
                    let kept = replacement == nil && !field.kind.isHopByHop && !(dropsLength && field.kind == .contentLength)
                    if kept {
                        if start != runEnd {
                            out.append(UnsafeRawBufferPointer(rebasing: lines[runStart..<runEnd]))
                            runStart = start
                        }
                        runEnd = start + field.lineLength
                        continue
                    }
                    out.append(UnsafeRawBufferPointer(rebasing: lines[runStart..<runEnd]))
                    runStart = start + field.lineLength
                    runEnd = runStart
                    if let replacement {
                        out.append(UnsafeRawBufferPointer(rebasing: lines[start..<start + Int(field.nameLength)]))
                        out.append(": ")
                        out.append(replacement)
                        out.append("\r\n")
                    }
                }
                out.append(UnsafeRawBufferPointer(rebasing: lines[runStart..<runEnd]))
            }
            for pair in addFields {
                out.append(pair.key)
                out.append(": ")
                out.append(pair.value)
                out.append("\r\n")
            }
            assert(out.offset <= size, "the head's size was undercounted")
            return out.offset
        }
        return EncodedResponseHead(bytes: buffer, status: status, hasContentLength: hasContentLength, keepAlive: keepAlive)
    }
}
