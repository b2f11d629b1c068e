import SluiceServer

private let host = "Host: a\r\n"

/// Message framing (RFC 9112 §6) and the chunked coding (§7.1).
let framingRows: [ParserRow] = [
    .init(
        name: "Content-Length body", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\n\r\nhello",
        expected: [.head("POST / HTTP/1.1 [Host: a][Content-Length: 5]"), .body("hello"), .end(nil)]),
    .init(
        name: "Content-Length 0", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 0\r\n\r\n",
        expected: [.head("POST / HTTP/1.1 [Host: a][Content-Length: 0]"), .end(nil)]),
    .init(
        name: "leading zeros re-framed", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 010\r\n\r\n0123456789",
        expected: [.head("POST / HTTP/1.1 [Host: a][Content-Length: 10]"), .body("0123456789"), .end(nil)]),
    .init(
        name: "GET without framing has no body", input: "GET / HTTP/1.1\r\n\(host)\r\nGET",
        expected: [.head("GET / HTTP/1.1 [Host: a]"), .end(nil)]),
    .init(
        name: "two Content-Length, same value",
        input: "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
        expected: [.error(.multipleContentLength)]),
    .init(
        name: "Content-Length list", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 5, 5\r\n\r\nhello",
        expected: [.error(.multipleContentLength)]),
    .init(
        name: "Content-Length sign", input: "POST / HTTP/1.1\r\n\(host)Content-Length: +5\r\n\r\nhello",
        expected: [.error(.invalidContentLength)]),
    .init(
        name: "Content-Length negative", input: "POST / HTTP/1.1\r\n\(host)Content-Length: -1\r\n\r\n",
        expected: [.error(.invalidContentLength)]),
    .init(
        name: "Content-Length inner space", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 1 2\r\n\r\n",
        expected: [.error(.invalidContentLength)]),
    .init(
        name: "Content-Length hex", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 0x5\r\n\r\n",
        expected: [.error(.invalidContentLength)]),
    .init(
        name: "Content-Length empty", input: "POST / HTTP/1.1\r\n\(host)Content-Length:\r\n\r\n",
        expected: [.error(.invalidContentLength)]),
    .init(
        name: "Content-Length overflow",
        input: "POST / HTTP/1.1\r\n\(host)Content-Length: 99999999999999999999\r\n\r\n",
        expected: [.error(.invalidContentLength)]),
    .init(
        name: "CL with TE", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        expected: [.error(.contentLengthWithTransferEncoding)]),
    .init(
        name: "TE gzip", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip\r\n\r\n",
        expected: [.error(.unsupportedTransferCoding)]),
    .init(
        name: "TE chunked, gzip", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, gzip\r\n\r\n",
        expected: [.error(.unsupportedTransferCoding)]),
    .init(
        name: "TE gzip, chunked", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip, chunked\r\n\r\n",
        expected: [.error(.unsupportedTransferCoding)]),
    .init(
        name: "TE identity", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: identity\r\n\r\n",
        expected: [.error(.unsupportedTransferCoding)]),
    .init(
        name: "TE over two fields",
        input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n",
        expected: [.error(.unsupportedTransferCoding)]),
    .init(
        name: "TE chunked twice", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, chunked\r\n\r\n",
        expected: [.error(.invalidTransferEncoding)]),
    .init(
        name: "TE empty", input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding:\r\n\r\n",
        expected: [.error(.invalidTransferEncoding)]),
    .init(
        name: "TE in HTTP/1.0", input: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        expected: [.error(.transferEncodingInHTTP10)]),
    .init(
        name: "chunked",
        input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        expected: [.head("POST / HTTP/1.1 [Host: a][Transfer-Encoding: chunked]"), .body("hello world"), .end(nil)]),
    .init(
        name: "chunked, any case, empty list items",
        input: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: , CHUNKED ,\r\n\r\n0\r\n\r\n",
        expected: [.head("POST / HTTP/1.1 [Host: a][Transfer-Encoding: , CHUNKED ,]"), .end(nil)]),
    .init(
        name: "chunk upper-case hex", input: chunked("A\r\n0123456789\r\n0\r\n\r\n"),
        expected: chunkedHead + [.body("0123456789"), .end(nil)]),
    .init(
        name: "chunk extensions ignored", input: chunked("5;a=b;c=\"d\"\r\nhello\r\n0;z\r\n\r\n"),
        expected: chunkedHead + [.body("hello"), .end(nil)]),
    .init(
        name: "chunk extension after BWS", input: chunked("5 \t;a\r\nhello\r\n0\r\n\r\n"),
        expected: chunkedHead + [.body("hello"), .end(nil)]),
    .init(
        name: "chunk size trailing space", input: chunked("5 \r\nhello\r\n0\r\n\r\n"),
        expected: chunkedHead + [.error(.invalidChunkSize)]),
    .init(name: "chunk size not hex", input: chunked("g\r\n"), expected: chunkedHead + [.error(.invalidChunkSize)]),
    .init(
        name: "chunk size empty", input: chunked("\r\nhello\r\n"), expected: chunkedHead + [.error(.invalidChunkSize)]),
    .init(
        name: "chunk size sign", input: chunked("+5\r\nhello\r\n"), expected: chunkedHead + [.error(.invalidChunkSize)]),
    .init(
        name: "chunk size bare LF", input: chunked("5\nhello\r\n0\r\n\r\n"),
        expected: chunkedHead + [.error(.invalidChunkSize)]),
    .init(
        name: "chunk size overflow", input: chunked("10000000000000000\r\n"),
        expected: chunkedHead + [.error(.invalidChunkSize)]),
    .init(
        name: "chunk size past Int.max", input: chunked("FFFFFFFFFFFFFFFF\r\n"),
        expected: chunkedHead + [.error(.invalidChunkSize)]),
    .init(
        name: "CTL in chunk extension", input: chunked("5;a\u{1}\r\nhello\r\n"),
        expected: chunkedHead + [.error(.invalidChunkSize)]),
    .init(
        name: "chunk data without CRLF", input: chunked("5\r\nhelloX\r\n0\r\n\r\n"),
        expected: chunkedHead + [.body("hello"), .error(.invalidChunkDelimiter)]),
    .init(
        name: "chunk data with bare LF", input: chunked("5\r\nhello\n0\r\n\r\n"),
        expected: chunkedHead + [.body("hello"), .error(.invalidChunkDelimiter)]),
    .init(
        name: "trailers", input: chunked("5\r\nhello\r\n0\r\nX-T: 1\r\nX-U:  2 \r\n\r\n"),
        expected: chunkedHead + [.body("hello"), .end("[X-T: 1][X-U: 2]")]),
    .init(
        name: "bad trailer name", input: chunked("0\r\nX T: 1\r\n\r\n"),
        expected: chunkedHead + [.error(.invalidHeaderName)]),
    .init(
        name: "trailer with NUL", input: chunked("0\r\nX-T: \u{0}\r\n\r\n"),
        expected: chunkedHead + [.error(.invalidHeaderValue)]),
    .init(
        name: "trailer obs-fold", input: chunked("0\r\nX-T: 1\r\n 2\r\n\r\n"),
        expected: chunkedHead + [.error(.obsoleteLineFolding)]),
]

private let chunkedHead: [Step] = [.head("POST / HTTP/1.1 [Host: a][Transfer-Encoding: chunked]")]

private func chunked(_ body: String) -> String {
    "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n" + body
}

/// The limits of `HTTP1RequestLimits`, on small values.
let limitRows: [ParserRow] = {
    let small = HTTP1RequestLimits(
        maxRequestFieldSize: 64, maxRequestBodySize: 10, maxHeaderCount: 3, maxChunkLineLength: 16)
    let line60 = "GET /" + String(repeating: "a", count: 46) + " HTTP/1.0"  // 60 bytes
    let line64 = "GET /" + String(repeating: "a", count: 50) + " HTTP/1.0"  // 64 bytes
    let line65 = "GET /" + String(repeating: "a", count: 51) + " HTTP/1.0"  // 65 bytes
    return [
        .init(
            name: "request line at the limit", input: line64 + "\r\n\r\n", expected: [.head(line64), .end(nil)],
            limits: small),
        .init(
            name: "request line over the limit: 414", input: line65 + "\r\n\r\n",
            expected: [.error(.requestLineTooLong)], limits: small),
        .init(
            name: "unterminated long request line: 414", input: String(repeating: "a", count: 66),
            expected: [.error(.requestLineTooLong)], limits: small),
        .init(
            name: "unterminated line under the limit waits", input: String(repeating: "a", count: 65), expected: [],
            limits: small),
        .init(
            name: "header block over the limit: 431", input: line60 + "\r\nX: 1\r\n\r\n",
            expected: [.error(.headerSectionTooLarge)], limits: small),
        .init(
            name: "unterminated long header: 431", input: "GET / HTTP/1.0\r\nX: " + String(repeating: "b", count: 60),
            expected: [.error(.headerSectionTooLarge)], limits: small),
        .init(
            name: "head exactly at the limit",
            input: "GET / HTTP/1.0\r\n" + "X: " + String(repeating: "b", count: 43) + "\r\n\r\n",
            expected: [.head("GET / HTTP/1.0 [X: " + String(repeating: "b", count: 43) + "]"), .end(nil)], limits: small
        ),
        .init(
            name: "head one byte over the limit",
            input: "GET / HTTP/1.0\r\n" + "X: " + String(repeating: "b", count: 44) + "\r\n\r\n",
            expected: [.error(.headerSectionTooLarge)], limits: small),
        .init(
            name: "too many headers: 431", input: "GET / HTTP/1.0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
            expected: [.error(.tooManyHeaders)], limits: small),
        .init(
            name: "body at the limit", input: "POST / HTTP/1.0\r\nContent-Length: 10\r\n\r\n0123456789",
            expected: [.head("POST / HTTP/1.0 [Content-Length: 10]"), .body("0123456789"), .end(nil)], limits: small),
        .init(
            name: "Content-Length over the limit: 413 before the head",
            input: "POST / HTTP/1.0\r\nContent-Length: 11\r\n\r\n",
            expected: [.error(.bodyTooLarge)], limits: small),
        .init(
            name: "chunked body over the limit: 413 while streaming",
            input:
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n6\r\nworld!\r\n0\r\n\r\n",
            expected: [
                .head("POST / HTTP/1.1 [Host: a][Transfer-Encoding: chunked]"), .body("hello "), .error(.bodyTooLarge),
            ], limits: small),
        .init(
            name: "chunk line over the limit",
            input: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;aaaaaaaaaaaaaaaaaaaa\r\nx\r\n",
            expected: [.head("POST / HTTP/1.1 [Host: a][Transfer-Encoding: chunked]"), .error(.chunkLineTooLong)],
            limits: small),
        .init(
            name: "too many trailers",
            input:
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
            expected: [.head("POST / HTTP/1.1 [Host: a][Transfer-Encoding: chunked]"), .error(.tooManyHeaders)],
            limits: small),
        .init(
            name: "trailer section over the limit",
            input: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: "
                + String(repeating: "b", count: 70) + "\r\n\r\n",
            expected: [.head("POST / HTTP/1.1 [Host: a][Transfer-Encoding: chunked]"), .error(.headerSectionTooLarge)],
            limits: small),
    ]
}()

/// Pipelining, end of input and upgrades.
let flowRows: [ParserRow] = [
    .init(
        name: "pipelined requests in order",
        input:
            "GET /1 HTTP/1.1\r\n\(host)\r\nPOST /2 HTTP/1.1\r\n\(host)Content-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\n\(host)\r\n",
        expected: [
            .head("GET /1 HTTP/1.1 [Host: a]"), .end(nil), .head("POST /2 HTTP/1.1 [Host: a][Content-Length: 3]"),
            .body("abc"), .end(nil),
            .head("GET /3 HTTP/1.1 [Host: a]"), .end(nil),
        ]),
    .init(
        name: "CRLF after a body is skipped",
        input: "POST / HTTP/1.1\r\n\(host)Content-Length: 1\r\n\r\nx\r\nGET / HTTP/1.1\r\n\(host)\r\n",
        expected: [
            .head("POST / HTTP/1.1 [Host: a][Content-Length: 1]"), .body("x"), .end(nil),
            .head("GET / HTTP/1.1 [Host: a]"), .end(nil),
        ]),
    .init(
        name: "EOF mid-body", input: "POST / HTTP/1.1\r\n\(host)Content-Length: 10\r\n\r\nhello",
        expected: [.head("POST / HTTP/1.1 [Host: a][Content-Length: 10]"), .body("hello"), .error(.truncatedBody)],
        endOfInput: true),
    .init(
        name: "EOF mid-chunked", input: chunked("5\r\nhello\r\n"),
        expected: chunkedHead + [.body("hello"), .error(.truncatedBody)], endOfInput: true),
    .init(
        name: "EOF in trailers", input: chunked("0\r\nX: 1\r\n"), expected: chunkedHead + [.error(.truncatedBody)],
        endOfInput: true),
    .init(name: "EOF mid-head is just a close", input: "GET / HTTP/1.1\r\nHo", expected: [], endOfInput: true),
    .init(
        name: "EOF between requests", input: "GET / HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("GET / HTTP/1.1 [Host: a]"), .end(nil)], endOfInput: true),
    .init(
        name: "upgrade pauses",
        input: "GET /ws HTTP/1.1\r\n\(host)Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n\u{81}\u{5}hello",
        expected: [.head("GET /ws HTTP/1.1 [Host: a][Connection: Upgrade][Upgrade: websocket]"), .end(nil), .paused]),
    .init(
        name: "upgrade with a body pauses after it",
        input: "POST /u HTTP/1.1\r\n\(host)Upgrade: x\r\nContent-Length: 2\r\n\r\nokRAW",
        expected: [.head("POST /u HTTP/1.1 [Host: a][Upgrade: x][Content-Length: 2]"), .body("ok"), .end(nil), .paused]),
    .init(
        name: "Upgrade ignored in HTTP/1.0",
        input: "GET / HTTP/1.0\r\nUpgrade: websocket\r\n\r\nGET / HTTP/1.0\r\n\r\n",
        expected: [.head("GET / HTTP/1.0 [Upgrade: websocket]"), .end(nil), .head("GET / HTTP/1.0"), .end(nil)]),
    .init(
        name: "nothing after an error", input: "GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\(host)\r\n",
        expected: [.error(.missingHost)]),
]
