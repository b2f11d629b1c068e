import SluiceCore
import Testing

@Suite("Range requests")
struct ByteRangeTests {
    private static func ranges(_ pairs: [(Int64, Int64)]) -> [ByteRange] {
        pairs.map { ByteRange(first: $0.0, last: $0.1) }
    }

    /// (Range value, size, resolution)
    @Test(arguments: [
        ("bytes=0-0", Int64(100), RangeResolution.single(ByteRange(first: 0, last: 0))),
        ("bytes=0-99", 100, .single(ByteRange(first: 0, last: 99))),
        ("bytes=0-", 100, .single(ByteRange(first: 0, last: 99))),
        ("bytes=10-20", 100, .single(ByteRange(first: 10, last: 20))),
        ("bytes=90-200", 100, .single(ByteRange(first: 90, last: 99))),  // last clamped
        ("bytes=99-", 100, .single(ByteRange(first: 99, last: 99))),
        ("bytes=-1", 100, .single(ByteRange(first: 99, last: 99))),
        ("bytes=-10", 100, .single(ByteRange(first: 90, last: 99))),
        ("bytes=-100", 100, .single(ByteRange(first: 0, last: 99))),
        ("bytes=-500", 100, .single(ByteRange(first: 0, last: 99))),  // suffix longer than the file: all of it
        ("BYTES=0-0", 100, .single(ByteRange(first: 0, last: 0))),  // the unit is case-insensitive
        ("Bytes=5-5", 100, .single(ByteRange(first: 5, last: 5))),
        ("bytes= 0-0 ", 100, .single(ByteRange(first: 0, last: 0))),
        ("bytes=0-0,", 100, .single(ByteRange(first: 0, last: 0))),  // empty list members are allowed
        ("bytes=,0-0", 100, .single(ByteRange(first: 0, last: 0))),
        // Unsatisfiable: 416.
        ("bytes=100-", 100, .unsatisfiable),
        ("bytes=100-200", 100, .unsatisfiable),
        ("bytes=-0", 100, .unsatisfiable),
        ("bytes=100-,-0", 100, .unsatisfiable),
        ("bytes=99999999999999999999999-", 100, .unsatisfiable),  // saturates: past any file
        // Unsatisfiable specs are dropped, the rest served.
        ("bytes=200-300,0-1", 100, .single(ByteRange(first: 0, last: 1))),
        // Several ranges: multipart, in request order.
        ("bytes=0-1,5-9", 100, .multiple(ranges([(0, 1), (5, 9)]))),
        ("bytes=50-59,0-9", 100, .multiple(ranges([(50, 59), (0, 9)]))),
        ("bytes=0-0,-1", 100, .multiple(ranges([(0, 0), (99, 99)]))),
        ("bytes=0-1, 3-4 ,\t7-8", 100, .multiple(ranges([(0, 1), (3, 4), (7, 8)]))),
        // Overlapping or touching ranges are merged; one overlap is tolerated.
        ("bytes=0-10,5-20", 100, .single(ByteRange(first: 0, last: 20))),
        ("bytes=0-9,10-19", 100, .single(ByteRange(first: 0, last: 19))),
        ("bytes=0-9,11-19", 100, .multiple(ranges([(0, 9), (11, 19)]))),
        ("bytes=50-60,0-9,55-70", 100, .multiple(ranges([(50, 70), (0, 9)]))),
        ("bytes=0-0,0-0", 100, .single(ByteRange(first: 0, last: 0))),
        // More than one overlap (three or more overlapping ranges) looks like abuse: the whole file.
        ("bytes=0-0,0-0,0-0", 100, .whole),
        ("bytes=0-50,10-60,20-70", 100, .whole),
        ("bytes=0-,0-,0-", 100, .whole),
        // Too many ranges: the whole file.
        (
            "bytes=0-0,2-2,4-4,6-6,8-8,10-10,12-12,14-14,16-16,18-18,20-20,22-22,24-24,26-26,28-28,30-30", 100,
            .multiple((0..<16).map { ByteRange(first: Int64($0 * 2), last: Int64($0 * 2)) })
        ),
        (
            "bytes=0-0,2-2,4-4,6-6,8-8,10-10,12-12,14-14,16-16,18-18,20-20,22-22,24-24,26-26,28-28,30-30,32-32", 100,
            .whole
        ),
        // An empty file is always sent whole.
        ("bytes=0-0", 0, .whole),
        ("bytes=-5", 0, .whole),
        // Huge but valid numbers.
        ("bytes=0-18446744073709551615", 100, .single(ByteRange(first: 0, last: 99))),
        ("bytes=0-99999999999999999999999", 100, .single(ByteRange(first: 0, last: 99))),
        ("bytes=-99999999999999999999999", 100, .single(ByteRange(first: 0, last: 99))),
        ("bytes=9223372036854775806-", Int64.max, .single(ByteRange(first: Int64.max - 1, last: Int64.max - 1))),
    ])
    func resolves(field: String, size: Int64, resolution: RangeResolution) throws {
        let request = try #require(ByteRangeRequest.parse(field))
        #expect(request.resolve(size: size) == resolution)
    }

    /// Not a valid bytes ranges-specifier: the header is ignored (200).
    @Test(arguments: [
        "bytes=5-2", "bytes=0-1,5-2", "bytes=", "bytes=,", "bytes=-", "bytes=--5", "bytes=a-b", "bytes=1-2-3",
        "bytes=0 -1", "bytes=0- 1", "bytes=- 5", "bytes=+1-2", "bytes=0x10-", "bytes 0-1", "bytes:0-1", "items=0-1",
        "bytes0-1", "0-1", "", "bytes=0-1;", "bytes=1.5-2",
    ])
    func invalidHeadersAreIgnored(field: String) {
        #expect(ByteRangeRequest.parse(field) == nil)
    }

    @Test func limitsAreConfigurable() throws {
        let request = try #require(ByteRangeRequest.parse("bytes=0-0,2-2,4-4"))
        #expect(request.resolve(size: 10, limits: ByteRangeLimits(maxRanges: 2)) == .whole)
        let overlapping = try #require(ByteRangeRequest.parse("bytes=0-5,1-6,2-7"))
        #expect(
            overlapping.resolve(size: 10, limits: ByteRangeLimits(maxOverlaps: 2))
                == .single(ByteRange(first: 0, last: 7)))
        // Parsing stops one past the limit: a long header costs no more than that.
        let long = "bytes=" + (0..<10_000).map { "\($0)-\($0)" }.joined(separator: ",")
        #expect(ByteRangeRequest.parse(long)?.specs.count == 17)
    }

    @Test func multipartLayout() {
        let ranges = [ByteRange(first: 0, last: 9), ByteRange(first: 90, last: 99)]
        let body = MultipartByteRanges(ranges: ranges, size: 100, contentType: "text/plain", boundary: "B0UND")
        #expect(body.contentType == "multipart/byteranges; boundary=B0UND")
        let first = "--B0UND\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-9/100\r\n\r\n"
        let second = "\r\n--B0UND\r\nContent-Type: text/plain\r\nContent-Range: bytes 90-99/100\r\n\r\n"
        let trailer = "\r\n--B0UND--\r\n"
        #expect(body.parts.map(\.header) == [Array(first.utf8), Array(second.utf8)])
        #expect(body.parts.map(\.range) == ranges)
        #expect(body.trailer == Array(trailer.utf8))
        // The whole body, assembled with stand-in file bytes, is exactly contentLength long.
        let file = (0..<100).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        var assembled = [UInt8]()
        for part in body.parts {
            assembled += part.header
            assembled += file[Int(part.range.first)...Int(part.range.last)]
        }
        assembled += body.trailer
        #expect(Int64(assembled.count) == body.contentLength)
        #expect(body.contentLength == Int64(first.utf8.count + 10 + second.utf8.count + 10 + trailer.utf8.count))
        #expect(String(decoding: assembled, as: UTF8.self).hasPrefix(first + "abcdefghij\r\n--B0UND\r\n"))
    }

    @Test func boundariesComeFromTheInjectedGenerator() {
        var first = SeededGenerator(state: 42)
        var second = SeededGenerator(state: 42)
        var other = SeededGenerator(state: 43)
        let boundary = MultipartByteRanges.makeBoundary(using: &first)
        #expect(boundary.utf8.count == 32)
        #expect(boundary.allSatisfy { $0.isHexDigit })
        #expect(boundary == MultipartByteRanges.makeBoundary(using: &second))
        #expect(boundary != MultipartByteRanges.makeBoundary(using: &other))
        #expect(boundary != MultipartByteRanges.makeBoundary(using: &first))
    }
}

/// SplitMix64: a reproducible generator for tests (a failure replays).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
