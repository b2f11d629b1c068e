import SluiceServer
import Testing

/// One vector: raw request bytes and what the parser must make of them.
struct ParserRow: Sendable, CustomTestStringConvertible {
    var name: String
    var input: String
    var expected: [Step]
    var limits = HTTP1RequestLimits()
    var endOfInput = false

    var testDescription: String { name }
}

private let host = "Host: a\r\n"

/// Request line and request-target (RFC 9112 §3).
let requestLineRows: [ParserRow] = [
    .init(
        name: "simple GET", input: "GET / HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("GET / HTTP/1.1 [Host: a]"), .end(nil)]),
    .init(
        name: "HTTP/1.0 needs no Host", input: "GET /a?b=c HTTP/1.0\r\n\r\n",
        expected: [.head("GET /a?b=c HTTP/1.0"), .end(nil)]),
    .init(
        name: "bare LF line ends", input: "GET / HTTP/1.1\nHost: a\n\n",
        expected: [.head("GET / HTTP/1.1 [Host: a]"), .end(nil)]),
    .init(
        name: "unknown token method", input: "get /x HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("get /x HTTP/1.1 [Host: a]"), .end(nil)]),
    .init(
        name: "extension method", input: "PROPFIND /x HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("PROPFIND /x HTTP/1.1 [Host: a]"), .end(nil)]),
    .init(name: "method not a token", input: "G(T / HTTP/1.1\r\n\(host)\r\n", expected: [.error(.invalidMethod)]),
    .init(name: "empty method", input: " / HTTP/1.1\r\n\(host)\r\n", expected: [.error(.invalidRequestLine)]),
    .init(name: "no spaces", input: "GET\r\n\r\n", expected: [.error(.invalidRequestLine)]),
    .init(name: "double space", input: "GET  / HTTP/1.1\r\n\(host)\r\n", expected: [.error(.invalidTarget)]),
    .init(name: "trailing space", input: "GET / HTTP/1.1 \r\n\(host)\r\n", expected: [.error(.invalidVersion)]),
    .init(name: "tab separator", input: "GET\t/ HTTP/1.1\r\n\(host)\r\n", expected: [.error(.invalidMethod)]),
    .init(name: "HTTP/0.9", input: "GET /\r\n\r\n", expected: [.error(.http09Request)]),
    .init(name: "HTTP/2.0", input: "GET / HTTP/2.0\r\n\(host)\r\n", expected: [.error(.unsupportedVersion)]),
    .init(name: "h2 preface", input: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", expected: [.error(.unsupportedVersion)]),
    .init(name: "HTTP/1.2", input: "GET / HTTP/1.2\r\n\(host)\r\n", expected: [.error(.unsupportedVersion)]),
    .init(name: "explicit HTTP/0.9", input: "GET / HTTP/0.9\r\n\r\n", expected: [.error(.unsupportedVersion)]),
    .init(name: "lower-case version", input: "GET / http/1.1\r\n\(host)\r\n", expected: [.error(.invalidVersion)]),
    .init(name: "two-digit minor", input: "GET / HTTP/1.10\r\n\(host)\r\n", expected: [.error(.invalidVersion)]),
    .init(name: "no minor", input: "GET / HTTP/1\r\n\(host)\r\n", expected: [.error(.invalidVersion)]),
    .init(name: "space in target", input: "GET /a b HTTP/1.1\r\n\(host)\r\n", expected: [.error(.invalidTarget)]),
    .init(name: "CTL in target", input: "GET /a\u{1}b HTTP/1.1\r\n\(host)\r\n", expected: [.error(.invalidTarget)]),
    .init(name: "DEL in target", input: "GET /a\u{7f} HTTP/1.1\r\n\(host)\r\n", expected: [.error(.invalidTarget)]),
    .init(name: "NUL in target", input: "GET /a\u{0}b HTTP/1.1\r\n\(host)\r\n", expected: [.error(.invalidTarget)]),
    .init(name: "fragment in target", input: "GET /a#b HTTP/1.1\r\n\(host)\r\n", expected: [.error(.invalidTarget)]),
    .init(
        name: "UTF-8 target passes", input: "GET /café HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("GET /café HTTP/1.1 [Host: a]"), .end(nil)]),
    .init(
        name: "percent escapes untouched", input: "GET /a%20b%2Fc?q=%26&x=%zz HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("GET /a%20b%2Fc?q=%26&x=%zz HTTP/1.1 [Host: a]"), .end(nil)]),
    .init(
        name: "asterisk only for OPTIONS", input: "GET * HTTP/1.1\r\n\(host)\r\n",
        expected: [.error(.targetFormNotAllowed)]),
    .init(
        name: "OPTIONS *", input: "OPTIONS * HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("OPTIONS * HTTP/1.1 [Host: a]"), .end(nil)]),
    .init(
        name: "authority-form without CONNECT", input: "GET a:80 HTTP/1.1\r\n\(host)\r\n",
        expected: [.error(.invalidTarget)]),
    .init(
        name: "CONNECT pauses", input: "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
        expected: [.head("CONNECT a:443 HTTP/1.1 [Host: a:443]"), .end(nil), .paused]),
    .init(name: "CONNECT needs a port", input: "CONNECT a HTTP/1.1\r\n\(host)\r\n", expected: [.error(.invalidTarget)]),
    .init(
        name: "CONNECT with origin-form", input: "CONNECT / HTTP/1.1\r\n\(host)\r\n",
        expected: [.error(.targetFormNotAllowed)]),
    .init(
        name: "CONNECT with a body", input: "CONNECT a:1 HTTP/1.1\r\n\(host)Content-Length: 1\r\n\r\nx",
        expected: [.error(.bodyNotAllowed)]),
    .init(
        name: "absolute-form sets Host", input: "GET http://Ex.com:8080/p?q=1 HTTP/1.1\r\nHost: other\r\n\r\n",
        expected: [.head("GET /p?q=1 HTTP/1.1 [Host: Ex.com:8080]"), .end(nil)]),
    .init(
        name: "absolute-form empty path", input: "GET http://ex.com HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("GET / HTTP/1.1 [Host: ex.com]"), .end(nil)]),
    .init(
        name: "absolute-form query only", input: "GET http://ex.com?x=1 HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("GET /?x=1 HTTP/1.1 [Host: ex.com]"), .end(nil)]),
    .init(
        name: "absolute-form https, any case", input: "GET HTTPS://ex.com/x HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("GET /x HTTP/1.1 [Host: ex.com]"), .end(nil)]),
    .init(
        name: "absolute-form OPTIONS empty path", input: "OPTIONS http://ex.com HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("OPTIONS * HTTP/1.1 [Host: ex.com]"), .end(nil)]),
    .init(
        name: "absolute-form IPv6", input: "GET http://[::1]:3001/ HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("GET / HTTP/1.1 [Host: [::1]:3001]"), .end(nil)]),
    .init(
        name: "absolute-form userinfo", input: "GET http://u@ex.com/ HTTP/1.1\r\n\(host)\r\n",
        expected: [.error(.invalidTarget)]),
    .init(
        name: "absolute-form empty authority", input: "GET http:///p HTTP/1.1\r\n\(host)\r\n",
        expected: [.error(.invalidTarget)]),
    .init(
        name: "absolute-form CTL in scheme", input: "GET http\u{1a}//ex.com/ HTTP/1.1\r\n\(host)\r\n",
        expected: [.error(.invalidTarget)]),
    .init(
        name: "absolute-form other scheme", input: "GET ftp://ex.com/ HTTP/1.1\r\n\(host)\r\n",
        expected: [.error(.invalidTarget)]),
    .init(
        name: "absolute-form still needs Host in 1.1", input: "GET http://ex.com/ HTTP/1.1\r\n\r\n",
        expected: [.error(.missingHost)]),
    .init(
        name: "leading empty lines skipped", input: "\r\n\n\r\nGET / HTTP/1.1\r\n\(host)\r\n",
        expected: [.head("GET / HTTP/1.1 [Host: a]"), .end(nil)]),
    .init(
        name: "too many empty lines", input: "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\(host)\r\n",
        expected: [.error(.tooManyEmptyLines)]),
]

/// Header fields (RFC 9112 §5, RFC 9110 §5.5) and Host (RFC 9112 §3.2).
let headerRows: [ParserRow] = [
    .init(
        name: "OWS trimmed", input: "GET / HTTP/1.1\r\n\(host)X-A:  \t b c \t \r\n\r\n",
        expected: [.head("GET / HTTP/1.1 [Host: a][X-A: b c]"), .end(nil)]),
    .init(
        name: "tab inside value", input: "GET / HTTP/1.1\r\n\(host)X-A: b\tc\r\n\r\n",
        expected: [.head("GET / HTTP/1.1 [Host: a][X-A: b\tc]"), .end(nil)]),
    .init(
        name: "empty value", input: "GET / HTTP/1.1\r\n\(host)X-A:\r\n\r\n",
        expected: [.head("GET / HTTP/1.1 [Host: a][X-A: ]"), .end(nil)]),
    .init(
        name: "UTF-8 value", input: "GET / HTTP/1.1\r\n\(host)X-A: café\r\n\r\n",
        expected: [.head("GET / HTTP/1.1 [Host: a][X-A: café]"), .end(nil)]),
    .init(
        name: "Expect passes through",
        input: "POST / HTTP/1.1\r\n\(host)Expect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
        expected: [.head("POST / HTTP/1.1 [Host: a][Expect: 100-continue][Content-Length: 2]"), .body("ok"), .end(nil)]),
    .init(
        name: "space before colon", input: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", expected: [.error(.invalidHeaderName)]),
    .init(
        name: "space in name", input: "GET / HTTP/1.1\r\n\(host)X A: b\r\n\r\n", expected: [.error(.invalidHeaderName)]),
    .init(
        name: "NUL in name", input: "GET / HTTP/1.1\r\n\(host)X\u{0}A: b\r\n\r\n",
        expected: [.error(.invalidHeaderName)]),
    .init(name: "empty name", input: "GET / HTTP/1.1\r\n\(host): b\r\n\r\n", expected: [.error(.invalidHeaderName)]),
    .init(name: "no colon", input: "GET / HTTP/1.1\r\n\(host)X-A\r\n\r\n", expected: [.error(.invalidHeaderName)]),
    .init(
        name: "NUL in value", input: "GET / HTTP/1.1\r\n\(host)X-A: b\u{0}c\r\n\r\n",
        expected: [.error(.invalidHeaderValue)]),
    .init(
        name: "CTL in value", input: "GET / HTTP/1.1\r\n\(host)X-A: b\u{1b}c\r\n\r\n",
        expected: [.error(.invalidHeaderValue)]),
    .init(
        name: "DEL in value", input: "GET / HTTP/1.1\r\n\(host)X-A: b\u{7f}\r\n\r\n",
        expected: [.error(.invalidHeaderValue)]),
    .init(
        name: "bare CR in value", input: "GET / HTTP/1.1\r\n\(host)X-A: b\rc\r\n\r\n",
        expected: [.error(.bareCarriageReturn)]),
    .init(
        name: "obs-fold", input: "GET / HTTP/1.1\r\n\(host)X-A: b\r\n c\r\n\r\n",
        expected: [.error(.obsoleteLineFolding)]),
    .init(
        name: "whitespace before first field", input: "GET / HTTP/1.1\r\n \(host)\r\n",
        expected: [.error(.obsoleteLineFolding)]),
    .init(name: "missing Host in 1.1", input: "GET / HTTP/1.1\r\nX-A: b\r\n\r\n", expected: [.error(.missingHost)]),
    .init(name: "two Host", input: "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", expected: [.error(.multipleHost)]),
    .init(
        name: "empty Host allowed", input: "GET / HTTP/1.1\r\nHost:\r\n\r\n",
        expected: [.head("GET / HTTP/1.1 [Host: ]"), .end(nil)]),
    .init(
        name: "Host with port", input: "GET / HTTP/1.1\r\nHost: ex.com:8080\r\n\r\n",
        expected: [.head("GET / HTTP/1.1 [Host: ex.com:8080]"), .end(nil)]),
    .init(
        name: "Host IPv6", input: "GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n",
        expected: [.head("GET / HTTP/1.1 [Host: [::1]:80]"), .end(nil)]),
    .init(name: "Host with space", input: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", expected: [.error(.invalidHost)]),
    .init(name: "Host with bad port", input: "GET / HTTP/1.1\r\nHost: a:b\r\n\r\n", expected: [.error(.invalidHost)]),
    .init(name: "Host with userinfo", input: "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", expected: [.error(.invalidHost)]),
    .init(name: "Host with slash", input: "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", expected: [.error(.invalidHost)]),
]

@Suite struct HTTP1RequestParserTableTests {
    @Test(arguments: requestLineRows + headerRows + framingRows + limitRows + flowRows)
    func row(_ row: ParserRow) {
        #expect(runParser(row.input, limits: row.limits, endOfInput: row.endOfInput) == row.expected)
    }

    @Test func statusesFollowTheSpec() {
        #expect(HTTP1RequestError.requestLineTooLong.status.code == 414)
        #expect(HTTP1RequestError.headerSectionTooLarge.status.code == 431)
        #expect(HTTP1RequestError.tooManyHeaders.status.code == 431)
        #expect(HTTP1RequestError.bodyTooLarge.status.code == 413)
        #expect(HTTP1RequestError.unsupportedTransferCoding.status.code == 501)
        #expect(HTTP1RequestError.unsupportedVersion.status.code == 505)
        #expect(HTTP1RequestError.http09Request.status.code == 400)
        #expect(HTTP1RequestError.contentLengthWithTransferEncoding.status.code == 400)
        #expect(HTTP1RequestError.truncatedBody.closesConnection)
    }
}
