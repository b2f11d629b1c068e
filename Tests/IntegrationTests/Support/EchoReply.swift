import Foundation
import NIOCore

/// The JSON `sluice-worker`'s `/echo` returns: the request as the worker received it. Proxy tests use it
/// to check what was forwarded (target, headers, body digest, peer).
struct EchoReply: Decodable, Sendable {
    let method: String
    let target: String
    let version: String
    /// `[name, value]` pairs in arrival order.
    let headers: [[String]]
    /// UTF-8 text, or base64 when `bodyEncoding == "base64"`; at most 1 MiB (`bodyTruncated`).
    let body: String
    let bodyEncoding: String
    let bodyTruncated: Bool
    let bodyLength: Int
    /// FNV-1a 64 of the whole body, 16 lower-case hex digits (see ``TestDigest``).
    let bodyFNV1a64: String
    let peer: String
    let worker: String

    init(decoding response: TestHTTPResponse) throws {
        self = try JSONDecoder().decode(EchoReply.self, from: Data(response.body.readableBytesView))
    }

    /// Values of header `name` (case-insensitive), in order.
    func headerValues(_ name: String) -> [String] {
        self.headers.compactMap { pair in
            pair.count == 2 && pair[0].lowercased() == name.lowercased() ? pair[1] : nil
        }
    }

    /// The body bytes kept in `body`, decoded from whichever encoding was used.
    var bodyBytes: [UInt8]? {
        switch self.bodyEncoding {
        case "utf8": Array(self.body.utf8)
        case "base64": Data(base64Encoded: self.body).map { Array($0) }
        default: nil
        }
    }
}

/// Digests tests compute on their side to compare with what a worker reports.
enum TestDigest {
    /// FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3) as 16 lower-case hex digits.
    static func fnv1a64<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
