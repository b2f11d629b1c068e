/// A Unix time broken into proleptic-Gregorian UTC fields, and back: the date arithmetic behind HTTP
/// dates, listing dates and access-log timestamps, without `gmtime_r` or Foundation.
///
/// Days ↔ civil date uses the era (400-year cycle) decomposition, exact for every `Int64` day count
/// these types are given (HTTP dates are clamped to years 0001...9999 before getting here).
struct CivilTime: Sendable, Hashable {
    var year: Int64
    /// 1...12
    var month: Int
    /// 1...31
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    /// 0 = Sunday ... 6 = Saturday.
    var weekday: Int
    /// 0 = 1 January.
    var dayOfYear: Int

    init(unixSeconds: Int64) {
        let days = Self.floorDivide(unixSeconds, 86_400)
        let secondOfDay = Int(unixSeconds - days * 86_400)
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
        // 1970-01-01 was a Thursday (4).
        weekday = Int(((days % 7) + 11) % 7)
        (year, month, day) = Self.civil(fromDays: days)
        dayOfYear = Int(days - Self.days(year: year, month: 1, day: 1))
    }

    /// Days since 1970-01-01 of a civil date (month 1...12; the day may run past the month's end).
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = floorDivide(shiftedYear, 400)
        let yearOfEra = shiftedYear - era * 400  // 0...399
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)  // March = 0
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097  // 0...146096
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // March = 0
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(_ month: Int, year: Int64) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    @inline(__always)
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    static let monthNames: [[UInt8]] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .map { Array($0.utf8) }
    static let fullMonthNames: [[UInt8]] = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ].map { Array($0.utf8) }
    static let weekdayNames: [[UInt8]] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].map { Array($0.utf8) }
    static let fullWeekdayNames: [[UInt8]] = [
        "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    ].map { Array($0.utf8) }
}

extension Array where Element == UInt8 {
    /// Appends `value` in decimal, zero-padded to `width` digits (negative values get a leading '-').
    mutating func appendDecimal(_ value: Int64, width: Int = 1) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(UInt64(value.magnitude), width: width)
        } else {
            appendDecimal(UInt64(value), width: width)
        }
    }

    mutating func appendDecimal(_ value: UInt64, width: Int = 1) {
        // Count the digits, then write them right to left into their final place: no temporary.
        var digitCount = 1
        var probe = value / 10
        while probe != 0 {
            digitCount += 1
            probe /= 10
        }
        let total = Swift.max(width, digitCount)
        append(contentsOf: repeatElement(UInt8(ascii: "0"), count: total))
        var index = count - 1
        var rest = value
        repeat {
            self[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        } while rest != 0
    }

    mutating func appendDecimal(_ value: Int, width: Int = 1) {
        appendDecimal(Int64(value), width: width)
    }
}
