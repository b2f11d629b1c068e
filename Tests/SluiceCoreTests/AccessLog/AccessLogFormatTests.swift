import SluiceCore
import Testing

@Suite("Access log format")
struct AccessLogFormatTests {
    /// 2000-10-10T20:55:36.123456789Z, 0.25 s long.
    static let start: Int64 = 971_211_336_123_456_789

    static func record(
        requestHeaders: [(name: String, value: String)] = [], responseHeaders: [(name: String, value: String)] = []
    ) -> AccessLogRecord<AccessLogHeaderList, AccessLogHeaderList> {
        var record = AccessLogRecord(
            remoteAddress: "192.0.2.7", method: "GET", originalTarget: "/a%20b/index.html?x=1&y=%22",
            status: 200, startNanoseconds: start, requestHeaders: AccessLogHeaderList(requestHeaders),
            responseHeaders: AccessLogHeaderList(responseHeaders))
        record.host = "example.com"
        record.bodyBytes = 2326
        record.bytesIn = 420
        record.bytesOut = 2600
        record.durationNanoseconds = 250_000_000
        return record
    }

    static func line(_ format: String, _ record: AccessLogRecord<AccessLogHeaderList, AccessLogHeaderList>) throws
        -> String
    {
        String(decoding: try AccessLogFormat(parsing: format).render(record), as: UTF8.self)
    }

    @Test func defaultFormatIsApacheCombined() throws {
        #expect(try AccessLogFormat(parsing: AccessLogFormat.defaultText) == AccessLogFormat.default)
        let record = Self.record(requestHeaders: [
            ("Referer", "https://example.com/start"), ("user-agent", "curl/8.5.0"),
        ])
        let expected =
            "192.0.2.7 - - [10/Oct/2000:20:55:36 +0000] \"GET /a%20b/index.html?x=1&y=%22 HTTP/1.1\" "
            + "200 2326 \"https://example.com/start\" \"curl/8.5.0\"\n"
        #expect(AccessLogFormat.default.render(record) == Array(expected.utf8))
    }

    @Test func defaultFormatWithNothingKnown() {
        var record = Self.record()
        record.host = nil
        record.bodyBytes = 0
        record.status = 304
        record.remoteUser = ""
        record.utcOffsetSeconds = -7 * 3600
        let expected =
            "192.0.2.7 - - [10/Oct/2000:13:55:36 -0700] \"GET /a%20b/index.html?x=1&y=%22 HTTP/1.1\" 304 - "
            + "\"-\" \"-\"\n"
        #expect(String(decoding: AccessLogFormat.default.render(record), as: UTF8.self) == expected)
    }

    /// (format, line without "\n")
    @Test(arguments: [
        ("%h %a %l %u", "192.0.2.7 192.0.2.7 - alice"),
        ("%A:%p %{remote}p %{local}p", "127.0.0.1:8080 51000 8080"),
        ("%s %>s %<s", "206 206 206"),
        ("%b %B", "2326 2326"),
        ("%D %T %{ms}T %{us}T %{ns}T %{s}T %{msec}T", "250000 0 250 250000 250000000 0 250"),
        ("%m %U %q %H", "GET /a%20b/index.html x=1&y=%22 HTTP/1.1"),
        ("%v %V", "www.example.com example.com"),
        ("%I %O %k %X", "420 2600 3 +"),
        ("%f", "/srv/www/a b/index.html"),
        ("%{X-Cache}o %{content-type}o %{Missing}o", "HIT text/html -"),
        ("%{Accept}i", "text/html, application/json"),
        ("%{session}C %{theme}C %{none}C", "abc123 dark -"),
        ("%{HOME}e %{note}n", "- -"),
        ("100%% %%h", "100% %h"),
        ("literal only", "literal only"),
        ("", ""),
        ("[%t]", "[[10/Oct/2000:20:55:36 +0000]]"),
        ("%{sec}t %{msec}t %{usec}t %{nsec}t", "971211336 971211336373 971211336373456 971211336373456789"),
        (
            "%{begin:sec}t %{end:sec}t %{begin:msec_frac}t %{usec_frac}t %{nsec_frac}t",
            "971211336 971211336 123 373456 373456789"
        ),
        ("%{%Y-%m-%dT%H:%M:%S%z}t", "2000-10-10T20:55:36+0000"),
        ("%{begin:%d/%b/%Y %T}t", "10/Oct/2000 20:55:36"),
        (
            "%{%a %A %b %B %e %j %I %p %y %s %F %D %R %%}t",
            "Tue Tuesday Oct October 10 284 08 PM 00 971211336 2000-10-10 10/10/00 20:55 %"
        ),
    ])
    func codes(format: String, expected: String) throws {
        var record = Self.record(
            requestHeaders: [
                ("Accept", "text/html"), ("accept", "application/json"), ("Cookie", "theme=dark; session=abc123 ;x=y"),
            ],
            responseHeaders: [("X-Cache", "HIT"), ("Content-Type", "text/html")])
        record.remoteUser = "alice"
        record.localAddress = "127.0.0.1"
        record.localPort = 8080
        record.remotePort = 51000
        record.status = 206
        record.serverName = "www.example.com"
        record.keepAliveCount = 3
        record.connectionStatus = .keepAlive
        record.physicalPath = "/srv/www/a b/index.html"
        #expect(try Self.line(format, record) == expected + "\n")
    }

    @Test func rewrittenTargetForURLAndQuery() throws {
        var record = Self.record()
        record.target = "/proxy/new?q"
        #expect(try Self.line("%U %q \"%r\"", record) == "/proxy/new q \"GET /a%20b/index.html?x=1&y=%22 HTTP/1.1\"\n")
        record.target = "/no-query"
        #expect(try Self.line("[%q] %U", record) == "[] /no-query\n")
    }

    @Test func connectionStatuses() throws {
        var record = Self.record()
        record.connectionStatus = .aborted
        #expect(try Self.line("%X", record) == "X\n")
        record.connectionStatus = .close
        #expect(try Self.line("%X", record) == "-\n")
    }

    @Test func escapesLikeLighttpd() throws {
        let record = Self.record(requestHeaders: [
            ("User-Agent", "evil\" \\ agent\r\nforged line\u{01}\u{7F}"), ("Referer", "caf\u{E9}\t"),
        ])
        #expect(
            try Self.line("\"%{User-Agent}i\" \"%{Referer}i\"", record)
                == "\"evil\\\" \\\\ agent\\r\\nforged line\\x01\\x7F\" \"caf\\xC3\\xA9\\t\"\n")
        var target = Self.record()
        target.originalTarget = "/x\"y\u{1B}[31m"
        target.method = "G\nET"
        #expect(try Self.line("%r", target) == "G\\nET /x\\\"y\\x1B[31m HTTP/1.1\n")
        var user = Self.record()
        user.remoteUser = "bob\"\u{00}"
        #expect(try Self.line("%u", user) == "bob\\\"\\x00\n")
    }

    @Test func timeZones() throws {
        var record = Self.record()
        record.utcOffsetSeconds = 5 * 3600 + 30 * 60
        #expect(try Self.line("%t", record) == "[11/Oct/2000:02:25:36 +0530]\n")
        record.utcOffsetSeconds = -(9 * 3600 + 30 * 60)
        #expect(try Self.line("%{%z %H:%M}t", record) == "-0930 11:25\n")
        // Before 1970.
        record.startNanoseconds = -1_500_000_000
        record.durationNanoseconds = 0
        record.utcOffsetSeconds = 0
        #expect(try Self.line("%t %{sec}t %{msec_frac}t", record) == "[31/Dec/1969:23:59:58 +0000] -2 500\n")
    }

    /// (format, offset of the error, message fragment)
    @Test(arguments: [
        ("%h %Z", 3, "unknown accesslog.format code '%Z'"),
        ("%", 0, "needs a code"),
        ("abc %", 4, "needs a code"),
        ("%>", 0, "needs a code"),
        ("%{Referer", 0, "without a closing"),
        ("%{}i", 0, "empty"),
        ("%{Referer}", 0, "needs a code"),
        ("%{Referer}x", 0, "unknown accesslog.format code '%x'"),
        ("x %i", 2, "needs a name"),
        ("%o", 0, "needs a name"),
        ("%C", 0, "needs a name"),
        ("%{%Y %Q}t", 5, "'%Q'"),
        ("%{begin:%c}t", 8, "'%c'"),
        ("%{%Y %}t", 5, "unsupported time conversion"),
        ("%{hours}T", 2, "unknown unit \"hours\""),
        ("%{peer}p", 2, "unknown port \"peer\""),
        ("%400{User-agent}i", 0, "status conditions"),
        ("%!200s", 0, "status conditions"),
        ("%é", 0, "'%é'"),
        ("%P", 0, "'%P'"),
    ])
    func errorsAreLocated(format: String, offset: Int, message: String) {
        do {
            _ = try AccessLogFormat(parsing: format)
            Issue.record("\(format) was accepted")
        } catch {
            #expect(error.offset == offset, "\(format): \(error)")
            #expect(error.message.contains(message), "\(format): \(error)")
        }
    }

    @Test func partsAreMergedLiterals() throws {
        let format = try AccessLogFormat(parsing: "a%%b%lc %h")
        #expect(format.parts == [.literal(Array("a%b-c ".utf8)), .remoteAddress])
    }

    @Test func rendersIntoACallerBuffer() throws {
        var buffer = Array("prefix ".utf8)
        AccessLogFormat.default.render(Self.record(), into: &buffer)
        AccessLogFormat.default.render(Self.record(), into: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        #expect(text.hasPrefix("prefix 192.0.2.7 "))
        #expect(text.split(separator: "\n").count == 2)
    }
}
