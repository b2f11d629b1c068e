import SluiceCore
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("HTTP dates")
struct HTTPDateTests {
    static let now: Int64 = 1_763_683_200  // 2025-11-21

    /// (Unix seconds, IMF-fixdate)
    @Test(
        arguments: [
            (Int64(0), "Thu, 01 Jan 1970 00:00:00 GMT"),
            (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),  // RFC 9110's example
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (1_700_000_000, "Tue, 14 Nov 2023 22:13:20 GMT"),
            (2_147_483_647, "Tue, 19 Jan 2038 03:14:07 GMT"),
            (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),  // 2100 is no leap year
            (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
            (-86_400 * 365, "Wed, 01 Jan 1969 00:00:00 GMT"),
            (253_402_300_799, "Fri, 31 Dec 9999 23:59:59 GMT"),
            (Int64.max, "Fri, 31 Dec 9999 23:59:59 GMT"),  // clamped
            (Int64.min, "Mon, 01 Jan 0001 00:00:00 GMT"),
        ] as [(Int64, String)])
    func formats(seconds: Int64, text: String) {
        #expect(HTTPDate.string(seconds) == text)
        #expect(HTTPDate.format(seconds) == Array(text.utf8))
        var buffer = [UInt8](repeating: 0x2A, count: 40)
        let written = buffer.withUnsafeMutableBytes { HTTPDate.write(seconds, into: $0) }
        #expect(written == 29)
        #expect(Array(buffer[..<29]) == Array(text.utf8))
        #expect(buffer[29] == 0x2A)
    }

    /// Agrees with the C library over a spread of days, 1900...2400.
    @Test func agreesWithGmtime() {
        var seconds: Int64 = -2_208_988_800
        while seconds < 13_569_465_600 {
            var value = time_t(seconds)
            var parts = tm()
            gmtime_r(&value, &parts)
            var buffer = [CChar](repeating: 0, count: 64)
            let count = strftime(&buffer, 64, "%a, %d %b %Y %H:%M:%S GMT", &parts)
            let expected = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            #expect(HTTPDate.string(seconds) == expected)
            #expect(HTTPDate.parse(expected, now: Self.now) == seconds)
            seconds += 86_400 * 13 + 3_607  // walks through every weekday, month and time of day
        }
    }

    /// (text, Unix seconds or nil)
    @Test(
        arguments: [
            ("Sun, 06 Nov 1994 08:49:37 GMT", Int64?(784_111_777)),
            ("Sunday, 06-Nov-94 08:49:37 GMT", 784_111_777),
            ("Sun Nov  6 08:49:37 1994", 784_111_777),
            ("Sun Nov 16 08:49:37 1994", 784_975_777),
            ("  Sun, 06 Nov 1994 08:49:37 GMT\t", 784_111_777),
            ("Mon, 06 Nov 1994 08:49:37 GMT", 784_111_777),  // wrong weekday: not checked
            ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
            ("Tue, 29 Feb 2000 00:00:00 GMT", 951_782_400),
            ("Wed, 31 Dec 1969 23:59:59 GMT", -1),
            ("Sat, 30 Jun 2012 23:59:60 GMT", 1_341_100_800),  // leap second → next minute
            // RFC 850 two-digit years: no more than 50 years ahead of now (2025).
            ("Thursday, 01-Jan-70 00:00:00 GMT", 3_155_760_000),  // 2070: 45 years ahead is fine
            ("Thursday, 01-Jan-76 00:00:00 GMT", 189_302_400),  // 2076 would be 51 years ahead: 1976
            ("Saturday, 01-Jan-00 00:00:00 GMT", 946_684_800),
            ("Tuesday, 01-Jan-30 00:00:00 GMT", 1_893_456_000),
            // Invalid: the header is then ignored.
            ("Sun, 06 Nov 1994 08:49:37 UTC", nil),
            ("Sun, 06 Nov 1994 08:49:37", nil),
            ("sun, 06 Nov 1994 08:49:37 GMT", nil),
            ("Sun, 06 nov 1994 08:49:37 GMT", nil),
            ("Sun, 6 Nov 1994 08:49:37 GMT", nil),
            ("Sun, 31 Nov 1994 08:49:37 GMT", nil),
            ("Sun, 29 Feb 1900 08:49:37 GMT", nil),
            ("Sun, 06 Nov 1994 24:00:00 GMT", nil),
            ("Sun, 06 Nov 1994 08:60:00 GMT", nil),
            ("Sun, 06 Nov 1994 08:49:61 GMT", nil),
            ("Sun, 06 Nov 1994 08:49:37 GMT extra", nil),
            ("Sun, 00 Nov 1994 08:49:37 GMT", nil),
            ("Sun Nov 6 08:49:37 1994", nil),
            ("1994-11-06T08:49:37Z", nil),
            ("784111777", nil),
            ("", nil),
            ("\"etag\"", nil),
        ] as [(String, Int64?)])
    func parses(text: String, seconds: Int64?) {
        #expect(HTTPDate.parse(text, now: Self.now) == seconds)
    }

    @Test func rfc850YearsFollowTheFiftyYearRule() {
        func year(_ twoDigits: String, now: Int64) -> String? {
            HTTPDate.parse("Friday, 01-Jan-\(twoDigits) 00:00:00 GMT", now: now).map {
                String(HTTPDate.string($0).dropFirst(12).prefix(4))
            }
        }
        // In 2025: up to 2075 is read as this century, later as the last one.
        #expect(year("75", now: Self.now) == "2075")
        #expect(year("76", now: Self.now) == "1976")
        #expect(year("99", now: Self.now) == "1999")
        #expect(year("25", now: Self.now) == "2025")
        // In 2090 (3_786_825_600): the century's own years, never more than 50 years ahead.
        #expect(year("30", now: 3_786_825_600) == "2030")
        #expect(year("99", now: 3_786_825_600) == "2099")
    }
}
