import NIOHTTP1
@testable import SluiceServer
import Testing

/// One vector: raw response bytes, the methods of the requests they answer, and what the parser
/// must make of them.
struct ResponseRow: Sendable, CustomTestStringConvertible {
    var name: String
    var input: String
    var expected: [ResponseStep]
    var methods: [HTTPMethod] = [.GET]
    var limits = HTTP1ResponseParser.Limits()
    var endOfInput = false

    var testDescription: String { name }
}

private let ok = "HTTP/1.1 200 OK\r\n"

/// Status line (RFC 9112 §4).
let statusLineRows: [ResponseRow] = [
    .init(
        name: "sized 200", input: "\(ok)Content-Length: 5\r\n\r\nhello",
        expected: [.head("HTTP/1.1 200 [Content-Length: 5]"), .body("hello"), .end(nil)]),
    .init(
        name: "HTTP/1.0", input: "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
        expected: [.head("HTTP/1.0 200 [Content-Length: 0]"), .end(nil)]),
    .init(name: "empty reason", input: "HTTP/1.1 204 \r\n\r\n", expected: [.head("HTTP/1.1 204"), .end(nil)]),
    .init(name: "no reason, no space", input: "HTTP/1.1 204\r\n\r\n", expected: [.head("HTTP/1.1 204"), .end(nil)]),
    .init(
        name: "reason with tab and UTF-8", input: "HTTP/1.1 204 Très\tbien\r\n\r\n",
        expected: [.head("HTTP/1.1 204"), .end(nil)]),
    .init(
        name: "unknown status", input: "HTTP/1.1 299 Whatever\r\nContent-Length: 0\r\n\r\n",
        expected: [.head("HTTP/1.1 299 [Content-Length: 0]"), .end(nil)]),
    .init(
        name: "bare LF line ends", input: "HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
        expected: [.head("HTTP/1.1 200 [Content-Length: 2]"), .body("ok"), .end(nil)]),
    .init(
        name: "one empty line before", input: "\r\n\(ok)Content-Length: 0\r\n\r\n",
        expected: [.head("HTTP/1.1 200 [Content-Length: 0]"), .end(nil)]),
    .init(
        name: "too many empty lines", input: "\r\n\r\n\r\n\r\n\r\n\(ok)\r\n", expected: [.error(.tooManyEmptyLines)]),
    .init(name: "letter in status", input: "HTTP/1.1 2x0 Nope\r\n\r\n", expected: [.error(.invalidStatusLine)]),
    .init(name: "status 600", input: "HTTP/1.1 600 No\r\n\r\n", expected: [.error(.invalidStatusCode)]),
    .init(name: "status 099", input: "HTTP/1.1 099 No\r\n\r\n", expected: [.error(.invalidStatusCode)]),
    .init(name: "four-digit status", input: "HTTP/1.1 2000 OK\r\n\r\n", expected: [.error(.invalidStatusLine)]),
    .init(name: "no space after status", input: "HTTP/1.1 200OK\r\n\r\n", expected: [.error(.invalidStatusLine)]),
    .init(name: "double space", input: "HTTP/1.1  200 OK\r\n\r\n", expected: [.error(.invalidStatusLine)]),
    .init(name: "HTTP/2.0", input: "HTTP/2.0 200 OK\r\n\r\n", expected: [.error(.unsupportedVersion)]),
    .init(name: "HTTP/1.2", input: "HTTP/1.2 200 OK\r\n\r\n", expected: [.error(.unsupportedVersion)]),
    .init(name: "HTTP/2 without minor", input: "HTTP/2 200 OK\r\n\r\n", expected: [.error(.invalidStatusLine)]),
    .init(name: "lower-case name", input: "http/1.1 200 OK\r\n\r\n", expected: [.error(.invalidStatusLine)]),
    .init(name: "not HTTP at all", input: "SSH-2.0-OpenSSH\r\n\r\n", expected: [.error(.invalidStatusLine)]),
    .init(name: "NUL in reason", input: "HTTP/1.1 200 O\u{0}K\r\n\r\n", expected: [.error(.invalidStatusLine)]),
    .init(name: "CR in reason", input: "HTTP/1.1 200 O\rK\r\n\r\n", expected: [.error(.bareCarriageReturn)]),
]

/// Header fields (RFC 9112 §5, RFC 9110 §5.5).
let responseHeaderRows: [ResponseRow] = [
    .init(
        name: "OWS trimmed, inner space kept", input: "\(ok)X-A: \t a b \t\r\nX-B:\r\nContent-Length: 0\r\n\r\n",
        expected: [.head("HTTP/1.1 200 [X-A: a b][X-B: ][Content-Length: 0]"), .end(nil)]),
    .init(
        name: "UTF-8 value passes", input: "\(ok)X: café\r\nContent-Length: 0\r\n\r\n",
        expected: [.head("HTTP/1.1 200 [X: café][Content-Length: 0]"), .end(nil)]),
    .init(
        name: "obs-fold", input: "\(ok)X: a\r\n b\r\nContent-Length: 0\r\n\r\n",
        expected: [.error(.obsoleteLineFolding)]),
    .init(name: "space before colon", input: "\(ok)X : a\r\n\r\n", expected: [.error(.invalidHeaderName)]),
    .init(name: "no colon", input: "\(ok)Xa\r\n\r\n", expected: [.error(.invalidHeaderName)]),
    .init(name: "empty name", input: "\(ok): a\r\n\r\n", expected: [.error(.invalidHeaderName)]),
    .init(name: "name not a token", input: "\(ok)X(y): a\r\n\r\n", expected: [.error(.invalidHeaderName)]),
    .init(name: "NUL in value", input: "\(ok)X: a\u{0}b\r\n\r\n", expected: [.error(.invalidHeaderValue)]),
    .init(name: "CTL in value", input: "\(ok)X: a\u{1}b\r\n\r\n", expected: [.error(.invalidHeaderValue)]),
    .init(name: "bare CR in value", input: "\(ok)X: a\rb\r\n\r\n", expected: [.error(.bareCarriageReturn)]),
    .init(
        name: "keep-alive in HTTP/1.1 stays (the encoder drops Connection)",
        input: "\(ok)Connection: Keep-Alive\r\nContent-Length: 0\r\n\r\n",
        expected: [.head("HTTP/1.1 200 [Connection: Keep-Alive][Content-Length: 0]"), .end(nil)]),
    .init(
        name: "keep-alive in HTTP/1.0 stays", input: "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
        expected: [.head("HTTP/1.0 200 [Connection: keep-alive][Content-Length: 0]"), .end(nil)]),
    .init(
        name: "Connection: close stays", input: "\(ok)Connection: close\r\nContent-Length: 0\r\n\r\n",
        expected: [.head("HTTP/1.1 200 [Connection: close][Content-Length: 0]"), .end(nil)]),
    .init(
        name: "Connection naming a field stays", input: "\(ok)Connection: keep-alive, X\r\nContent-Length: 0\r\n\r\n",
        expected: [.head("HTTP/1.1 200 [Connection: keep-alive, X][Content-Length: 0]"), .end(nil)]),
]

/// Body framing (RFC 9112 §6.3, §7.1) and interim responses (RFC 9110 §15.2).
let responseFramingRows: [ResponseRow] = [
    .init(
        name: "HEAD ignores Content-Length", input: "\(ok)Content-Length: 5\r\n\r\n", expected: [
            .head("HTTP/1.1 200 [Content-Length: 5]"), .end(nil),
        ], methods: [.HEAD]),
    .init(
        name: "HEAD ignores chunked", input: "\(ok)Transfer-Encoding: chunked\r\n\r\n", expected: [
            .head("HTTP/1.1 200 [Transfer-Encoding: chunked]"), .end(nil),
        ], methods: [.HEAD]),
    .init(
        name: "HEAD then GET", input: "\(ok)Content-Length: 3\r\n\r\n\(ok)Content-Length: 3\r\n\r\nabc", expected: [
            .head("HTTP/1.1 200 [Content-Length: 3]"), .end(nil), .head("HTTP/1.1 200 [Content-Length: 3]"),
            .body("abc"), .end(nil),
        ], methods: [.HEAD, .GET]),
    .init(
        name: "204 ignores Content-Length", input: "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
        expected: [.head("HTTP/1.1 204 [Content-Length: 5]"), .end(nil)]),
    .init(
        name: "304 ignores chunked", input: "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
        expected: [.head("HTTP/1.1 304 [Transfer-Encoding: chunked]"), .end(nil)]),
    .init(
        name: "100 then 200", input: "HTTP/1.1 100 Continue\r\n\r\n\(ok)Content-Length: 2\r\n\r\nok",
        expected: [.head("HTTP/1.1 100"), .head("HTTP/1.1 200 [Content-Length: 2]"), .body("ok"), .end(nil)]),
    .init(
        name: "103 then HEAD answer", input: "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n\(ok)Content-Length: 2\r\n\r\n",
        expected: [.head("HTTP/1.1 103 [Link: </a>]"), .head("HTTP/1.1 200 [Content-Length: 2]"), .end(nil)],
        methods: [.HEAD]),
    .init(
        name: "101 stops parsing",
        input: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{1}\u{2}HTTP/1.1",
        expected: [.head("HTTP/1.1 101 [Upgrade: websocket][Connection: Upgrade]"), .end(nil), .switched]),
    .init(
        name: "chunked", input: "\(ok)Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nD;ext=1\r\n, split w0rld\r\n0\r\n\r\n",
        expected: [.head("HTTP/1.1 200 [Transfer-Encoding: chunked]"), .body("hello, split w0rld"), .end(nil)]),
    .init(
        name: "chunked with trailers", input: "\(ok)Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T:  1 \r\nY: 2\r\n\r\n",
        expected: [.head("HTTP/1.1 200 [Transfer-Encoding: chunked]"), .body("ok"), .end("[X-T: 1][Y: 2]")]),
    .init(
        name: "gzip then chunked", input: "\(ok)Transfer-Encoding: gzip\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n",
        expected: [.head("HTTP/1.1 200 [Transfer-Encoding: gzip][Transfer-Encoding: Chunked]"), .end(nil)]),
    .init(
        name: "chunked not last", input: "\(ok)Transfer-Encoding: chunked, gzip\r\n\r\n",
        expected: [.error(.unsupportedTransferCoding)]),
    .init(name: "gzip alone", input: "\(ok)Transfer-Encoding: gzip\r\n\r\n", expected: [.error(.unsupportedTransferCoding)]),
    .init(name: "empty coding", input: "\(ok)Transfer-Encoding: \r\n\r\n", expected: [.error(.unsupportedTransferCoding)]),
    .init(
        name: "Content-Length then Transfer-Encoding", input: "\(ok)Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
        expected: [.error(.contentLengthWithTransferEncoding)]),
    .init(
        name: "Transfer-Encoding then Content-Length", input: "\(ok)Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n",
        expected: [.error(.contentLengthWithTransferEncoding)]),
    .init(
        name: "bad chunk size", input: "\(ok)Transfer-Encoding: chunked\r\n\r\nzz\r\n", expected: [
            .head("HTTP/1.1 200 [Transfer-Encoding: chunked]"), .error(.invalidChunkSize),
        ]),
    .init(
        name: "chunk size with bare LF", input: "\(ok)Transfer-Encoding: chunked\r\n\r\n2\nok\r\n", expected: [
            .head("HTTP/1.1 200 [Transfer-Encoding: chunked]"), .error(.invalidChunkSize),
        ]),
    .init(
        name: "chunk without CRLF", input: "\(ok)Transfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n", expected: [
            .head("HTTP/1.1 200 [Transfer-Encoding: chunked]"), .body("ok"), .error(.invalidChunkDelimiter),
        ]),
    .init(name: "Content-Length 0", input: "\(ok)Content-Length: 0\r\n\r\n", expected: [
        .head("HTTP/1.1 200 [Content-Length: 0]"), .end(nil),
    ]),
    .init(
        name: "two Content-Length", input: "\(ok)Content-Length: 2\r\nContent-Length: 2\r\n\r\nok",
        expected: [.error(.multipleContentLength)]),
    .init(name: "Content-Length list", input: "\(ok)Content-Length: 2, 2\r\n\r\nok", expected: [.error(.multipleContentLength)]),
    .init(name: "Content-Length letters", input: "\(ok)Content-Length: 2a\r\n\r\nok", expected: [.error(.invalidContentLength)]),
    .init(name: "Content-Length negative", input: "\(ok)Content-Length: -1\r\n\r\n", expected: [.error(.invalidContentLength)]),
    .init(name: "Content-Length empty", input: "\(ok)Content-Length:\r\n\r\n", expected: [.error(.invalidContentLength)]),
    .init(
        name: "Content-Length overflow", input: "\(ok)Content-Length: 99999999999999999999\r\n\r\n",
        expected: [.error(.invalidContentLength)]),
    .init(
        name: "until close", input: "\(ok)X: 1\r\n\r\nall of it", expected: [
            .head("HTTP/1.1 200 [X: 1]"), .body("all of it"), .end(nil),
        ], endOfInput: true),
    .init(
        name: "two responses", input: "\(ok)Content-Length: 1\r\n\r\na\(ok)Content-Length: 1\r\n\r\nb", expected: [
            .head("HTTP/1.1 200 [Content-Length: 1]"), .body("a"), .end(nil),
            .head("HTTP/1.1 200 [Content-Length: 1]"), .body("b"), .end(nil),
        ], methods: [.GET, .GET]),
]

/// End of input, surplus bytes and limits.
let responseFlowRows: [ResponseRow] = [
    .init(name: "EOF in the status line", input: "HTTP/1.1 20", expected: [.error(.truncatedHead)], endOfInput: true),
    .init(name: "EOF in the head", input: "\(ok)X: 1\r\n", expected: [.error(.truncatedHead)], endOfInput: true),
    .init(
        name: "EOF in a sized body", input: "\(ok)Content-Length: 100\r\n\r\nonly ten b", expected: [
            .head("HTTP/1.1 200 [Content-Length: 100]"), .body("only ten b"), .error(.truncatedBody),
        ], endOfInput: true),
    .init(
        name: "EOF in a chunked body", input: "\(ok)Transfer-Encoding: chunked\r\n\r\n5\r\nhel", expected: [
            .head("HTTP/1.1 200 [Transfer-Encoding: chunked]"), .body("hel"), .error(.truncatedBody),
        ], endOfInput: true),
    .init(
        name: "EOF in trailers", input: "\(ok)Transfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n", expected: [
            .head("HTTP/1.1 200 [Transfer-Encoding: chunked]"), .error(.truncatedBody),
        ], endOfInput: true),
    .init(
        name: "EOF between responses", input: "\(ok)Content-Length: 1\r\n\r\na", expected: [
            .head("HTTP/1.1 200 [Content-Length: 1]"), .body("a"), .end(nil),
        ], endOfInput: true),
    .init(name: "EOF before any response", input: "", expected: [], endOfInput: true),
    .init(name: "nothing asked", input: "\(ok)Content-Length: 0\r\n\r\n", expected: [.error(.unsolicitedResponse)], methods: []),
    .init(
        name: "surplus after the body", input: "\(ok)Content-Length: 2\r\n\r\nokX", expected: [
            .head("HTTP/1.1 200 [Content-Length: 2]"), .body("ok"), .end(nil), .error(.unsolicitedResponse),
        ]),
    .init(
        name: "surplus after an empty line", input: "\(ok)Content-Length: 2\r\n\r\nok\r\nX", expected: [
            .head("HTTP/1.1 200 [Content-Length: 2]"), .body("ok"), .end(nil), .error(.unsolicitedResponse),
        ]),
    .init(
        name: "a stray CRLF after the body is skipped", input: "\(ok)Content-Length: 2\r\n\r\nok\r\n", expected: [
            .head("HTTP/1.1 200 [Content-Length: 2]"), .body("ok"), .end(nil),
        ], endOfInput: true),
    .init(
        name: "head over the limit", input: "\(ok)X: 12345678901234567890\r\n\r\n", expected: [.error(.headSectionTooLarge)],
        limits: .init(maxHeadSize: 32)),
    .init(
        name: "status line over the limit", input: "HTTP/1.1 200 A very long reason phrase indeed\r\n\r\n",
        expected: [.error(.headSectionTooLarge)], limits: .init(maxHeadSize: 20)),
    .init(
        name: "head at the limit", input: "\(ok)X: 1234567\r\n\r\n", expected: [.head("HTTP/1.1 200 [X: 1234567]")],
        limits: .init(maxHeadSize: 29)),
    .init(
        name: "too many fields", input: "\(ok)A: 1\r\nB: 2\r\nC: 3\r\n\r\n", expected: [.error(.tooManyHeaders)],
        limits: .init(maxHeaderCount: 2)),
    .init(
        name: "too many trailers", input: "\(ok)Transfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\n\r\n", expected: [
            .head("HTTP/1.1 200 [Transfer-Encoding: chunked]"), .error(.tooManyHeaders),
        ], limits: .init(maxHeaderCount: 1)),
    .init(
        name: "chunk line too long", input: "\(ok)Transfer-Encoding: chunked\r\n\r\n1;\(String(repeating: "x", count: 40))\r\n",
        expected: [.head("HTTP/1.1 200 [Transfer-Encoding: chunked]"), .error(.chunkLineTooLong)],
        limits: .init(maxChunkLineLength: 16)),
]
