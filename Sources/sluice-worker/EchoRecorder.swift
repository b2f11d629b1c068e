import NIOCore
import NIOHTTP1

/// Collects one request for `/echo` while its body streams in, and renders it as JSON.
///
/// The JSON object, fields in this order:
/// - `method`, `target` (the request-target exactly as sent), `version` (`"HTTP/1.1"`),
/// - `headers`: `[[name, value], ...]` in arrival order, names in the case they were sent,
/// - `body`: the body as text when it is valid UTF-8 (`"bodyEncoding": "utf8"`), otherwise its bytes in
///   base64 (`"bodyEncoding": "base64"`); only the first ``keptBodyLimit`` bytes are kept
///   (`"bodyTruncated": true` when more arrived, a truncated UTF-8 text ends at a character boundary),
/// - `bodyLength` and `bodyFNV1a64` (16 hex digits): exact, over the whole body however long,
/// - `peer` (`"127.0.0.1:54321"`, IPv6 in brackets) and `worker` (the worker's name).
struct EchoRecorder {
    /// The most body bytes kept for the `body` field; length and digest always cover everything.
    static let keptBodyLimit = 1 << 20

    private let head: HTTPRequestHead
    private let peer: String
    private var kept: ByteBuffer
    private var length = 0
    private var digest = FNV1a64()

    init(head: HTTPRequestHead, peer: String, allocator: ByteBufferAllocator) {
        self.head = head
        self.peer = peer
        self.kept = allocator.buffer(capacity: 0)
    }

    mutating func append(_ chunk: ByteBuffer) {
        chunk.withUnsafeReadableBytes { bytes in
            self.length += bytes.count
            self.digest.update(bytes)
            let room = Self.keptBodyLimit - self.kept.readableBytes
            if room > 0 {
                self.kept.writeBytes(UnsafeRawBufferPointer(rebasing: bytes.prefix(room)))
            }
        }
    }

    func render(worker: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        var json = allocator.buffer(capacity: 512 + self.kept.readableBytes * 4 / 3)
        json.writeStaticString("{\"method\":")
        json.writeJSONString(self.head.method.rawValue)
        json.writeStaticString(",\"target\":")
        json.writeJSONString(self.head.uri)
        json.writeStaticString(",\"version\":")
        json.writeJSONString(String(describing: self.head.version))
        json.writeStaticString(",\"headers\":[")
        var first = true
        for (name, value) in self.head.headers {
            if !first { json.writeInteger(UInt8(ascii: ",")) }
            first = false
            json.writeInteger(UInt8(ascii: "["))
            json.writeJSONString(name)
            json.writeInteger(UInt8(ascii: ","))
            json.writeJSONString(value)
            json.writeInteger(UInt8(ascii: "]"))
        }
        json.writeStaticString("],\"body\":")
        let truncated = self.length > self.kept.readableBytes
        self.kept.withUnsafeReadableBytes { kept in
            if let text = Self.utf8Prefix(of: kept, truncated: truncated) {
                json.writeJSONString(utf8: text)
                json.writeStaticString(",\"bodyEncoding\":\"utf8\"")
            } else {
                json.writeInteger(UInt8(ascii: "\""))
                json.writeBase64(kept)
                json.writeStaticString("\",\"bodyEncoding\":\"base64\"")
            }
        }
        json.writeStaticString(truncated ? ",\"bodyTruncated\":true" : ",\"bodyTruncated\":false")
        json.writeStaticString(",\"bodyLength\":")
        json.writeString(String(self.length))
        json.writeStaticString(",\"bodyFNV1a64\":\"")
        json.writeString(self.digest.hexDigits)
        json.writeStaticString("\",\"peer\":")
        json.writeJSONString(self.peer)
        json.writeStaticString(",\"worker\":")
        json.writeJSONString(worker)
        json.writeStaticString("}\n")
        return json
    }

    /// `bytes` if they are valid UTF-8; when the body was cut at ``keptBodyLimit``, the cut may split a
    /// character, so up to three trailing bytes may be dropped to reach valid text. `nil`: not text.
    private static func utf8Prefix(of bytes: UnsafeRawBufferPointer, truncated: Bool) -> UnsafeRawBufferPointer? {
        let maximumDrop = truncated ? min(3, bytes.count) : 0
        for drop in 0...maximumDrop {
            let candidate = UnsafeRawBufferPointer(rebasing: bytes.dropLast(drop))
            // The standard library's validator is compiled optimised even in debug builds of the worker.
            if String(validating: candidate.assumingMemoryBound(to: UInt8.self), as: UTF8.self) != nil {
                return candidate
            }
        }
        return nil
    }
}
