extension HTTPDate {
    /// Parses an HTTP-date in any of the three formats a recipient must accept (RFC 9110 §5.6.7):
    /// - IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`
    /// - RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`
    /// - asctime `Sun Nov  6 08:49:37 1994`
    ///
    /// Names are case-sensitive, as the grammar says; leading and trailing spaces or tabs are ignored;
    /// the weekday must be a weekday name but is not checked against the date. A two-digit RFC 850 year
    /// that would lie more than 50 years after `now` is the most recent past year with those digits.
    /// Returns Unix seconds, or nil for anything else (the caller then ignores the header).
    public static func parse(_ text: some Collection<UInt8>, now: Int64) -> Int64? {
        if let result = text.withContiguousStorageIfAvailable({ parse(buffer: $0, now: now) }) { return result }
        return Array(text).withUnsafeBufferPointer { parse(buffer: $0, now: now) }
    }

    public static func parse(_ text: String, now: Int64) -> Int64? {
        parse(Array(text.utf8), now: now)
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, now: Int64) -> Int64? {
        var start = 0
        var end = buffer.count
        while start < end && (buffer[start] == 0x20 || buffer[start] == 0x09) { start += 1 }
        while end > start && (buffer[end - 1] == 0x20 || buffer[end - 1] == 0x09) { end -= 1 }
        var scanner = DateScanner(bytes: UnsafeBufferPointer(rebasing: buffer[start..<end]))
        if let time = scanner.imfFixdate() { return time }
        scanner.offset = 0
        if let time = scanner.rfc850Date(now: now) { return time }
        scanner.offset = 0
        return scanner.asctimeDate()
    }
}

/// A forward-only reader over the bytes of one date.
private struct DateScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`
    mutating func imfFixdate() -> Int64? {
        guard skipName(CivilTime.weekdayNames), literal(","), literal(" "), let day = digits(2), literal(" "),
            let month = month(), literal(" "), let year = digits(4), literal(" "),
            let time = timeOfDay(), literal(" GMT"), offset == bytes.count
        else { return nil }
        return Self.unixTime(year: Int64(year), month: month, day: day, time: time)
    }

    /// `Sunday, 06-Nov-94 08:49:37 GMT`
    mutating func rfc850Date(now: Int64) -> Int64? {
        guard skipName(CivilTime.fullWeekdayNames), literal(","), literal(" "),
            let day = digits(2), literal("-"), let month = month(), literal("-"), let shortYear = digits(2),
            literal(" "), let time = timeOfDay(), literal(" GMT"), offset == bytes.count
        else { return nil }
        let currentYear = CivilTime(unixSeconds: now).year
        var year = currentYear - currentYear % 100 + Int64(shortYear)
        if year > currentYear + 50 { year -= 100 }
        return Self.unixTime(year: year, month: month, day: day, time: time)
    }

    /// `Sun Nov  6 08:49:37 1994`
    mutating func asctimeDate() -> Int64? {
        guard skipName(CivilTime.weekdayNames), literal(" "), let month = month(), literal(" ") else { return nil }
        let day: Int
        if literal(" ") {
            guard let single = digits(1) else { return nil }
            day = single
        } else {
            guard let double = digits(2) else { return nil }
            day = double
        }
        guard literal(" "), let time = timeOfDay(), literal(" "), let year = digits(4), offset == bytes.count
        else { return nil }
        return Self.unixTime(year: Int64(year), month: month, day: day, time: time)
    }

    private static func unixTime(year: Int64, month: Int, day: Int, time: Int) -> Int64? {
        guard day >= 1 && day <= CivilTime.daysInMonth(month, year: year) else { return nil }
        return CivilTime.days(year: year, month: month, day: day) * 86_400 + Int64(time)
    }

    /// `HH:MM:SS` as seconds of the day (a leap second 60 is accepted).
    private mutating func timeOfDay() -> Int? {
        guard let hour = digits(2), hour < 24, literal(":"), let minute = digits(2), minute < 60, literal(":"),
            let second = digits(2), second <= 60
        else { return nil }
        return hour * 3600 + minute * 60 + second
    }

    /// 1...12 for `Jan`...`Dec`.
    private mutating func month() -> Int? {
        for (index, name) in CivilTime.monthNames.enumerated() where matches(name) {
            offset += name.count
            return index + 1
        }
        return nil
    }

    private mutating func skipName(_ names: [[UInt8]]) -> Bool {
        for name in names where matches(name) {
            offset += name.count
            return true
        }
        return false
    }

    private mutating func digits(_ count: Int) -> Int? {
        guard bytes.count - offset >= count else { return nil }
        var value = 0
        for index in offset..<(offset + count) {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        offset += count
        return value
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard bytes.count - offset >= count else { return false }
        let expected = UnsafeBufferPointer(start: text.utf8Start, count: count)
        for index in 0..<count where bytes[offset + index] != expected[index] { return false }
        offset += count
        return true
    }

    private func matches(_ name: [UInt8]) -> Bool {
        guard bytes.count - offset >= name.count else { return false }
        for index in 0..<name.count where bytes[offset + index] != name[index] { return false }
        return true
    }
}
