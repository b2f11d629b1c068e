import NIOHTTP1

/// What the parser has learnt of a request head while its lines arrive: the request line, the
/// fields so far, and the framing facts checked once the head is complete (RFC 9112 §6.3).
struct PendingRequestHead {
    /// The request-target's form (RFC 9112 §3.2).
    enum TargetForm: Equatable {
        case origin
        /// `http://authority/path`: the authority becomes the Host (§3.2.2).
        case absolute(authority: String)
        /// `host:port`, only with CONNECT (§3.2.3).
        case authority
        /// `*`, only with OPTIONS (§3.2.4).
        case asterisk
    }

    /// The `Transfer-Encoding` lists seen, folded into what framing needs to know.
    struct TransferCodings {
        /// Codings listed (empty list elements are skipped, RFC 9110 §5.6.1).
        var count = 0
        var chunkedCount = 0
        var lastIsChunked = false
        /// A coding other than chunked (gzip, identity, anything): Sluice does not decode them.
        var hasOther = false
    }

    var method = HTTPMethod.GET
    var version = HTTPVersion.http1_1
    var uri = ""
    var targetForm = TargetForm.origin
    /// The fields in order, handed to `HTTPHeaders` in one piece when the head is complete (its
    /// public `add` re-checks every name, which costs more than the parsing here).
    var fields: [(String, String)] = []
    /// Where the Host and Content-Length fields are in `fields`, to rewrite them in place.
    var hostIndex: Int?
    var contentLengthIndex: Int?
    /// Bytes of the request line and header lines read so far, line ends included.
    var headBytes = 0
    var fieldCount = 0
    var hostCount = 0
    var contentLength: Int?
    /// The received `Content-Length` is not in canonical form (leading zeros): re-written.
    var contentLengthNeedsRewrite = false
    var transferCodings: TransferCodings?
    var hasUpgrade = false
}
