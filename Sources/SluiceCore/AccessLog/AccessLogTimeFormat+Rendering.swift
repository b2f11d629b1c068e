extension AccessLogTimeFormat {
    /// Appends the time `unixNanoseconds` (local time `utcOffsetSeconds` east of UTC).
    func append(_ unixNanoseconds: Int64, utcOffsetSeconds: Int, to line: inout [UInt8]) {
        let seconds = CivilTime.floorDivide(unixNanoseconds, 1_000_000_000)
        switch self {
        case .common:
            let local = CivilTime(unixSeconds: seconds + Int64(utcOffsetSeconds))
            line.append(UInt8(ascii: "["))
            line.appendDecimal(local.day, width: 2)
            line.append(UInt8(ascii: "/"))
            line.append(contentsOf: CivilTime.monthNames[local.month - 1])
            line.append(UInt8(ascii: "/"))
            line.appendDecimal(local.year, width: 4)
            line.append(UInt8(ascii: ":"))
            Self.appendClock(local, to: &line)
            line.append(UInt8(ascii: " "))
            Self.appendOffset(utcOffsetSeconds, to: &line)
            line.append(UInt8(ascii: "]"))
        case .epoch(let unit):
            line.appendDecimal(CivilTime.floorDivide(unixNanoseconds, unit.nanosecondsPerUnit))
        case .fraction(let unit):
            let subsecond = unixNanoseconds - seconds * 1_000_000_000
            line.appendDecimal(subsecond / unit.nanosecondsPerUnit, width: unit.fractionDigits)
        case .pattern(let items):
            let local = CivilTime(unixSeconds: seconds + Int64(utcOffsetSeconds))
            for item in items {
                switch item {
                case .literal(let bytes): line.append(contentsOf: bytes)
                case .conversion(let letter):
                    Self.appendConversion(letter, local, unixSeconds: seconds, utcOffsetSeconds, to: &line)
                }
            }
        }
    }

    private static func appendConversion(
        _ letter: UInt8, _ time: CivilTime, unixSeconds: Int64, _ utcOffsetSeconds: Int, to line: inout [UInt8]
    ) {
        switch letter {
        case UInt8(ascii: "a"): line.append(contentsOf: CivilTime.weekdayNames[time.weekday])
        case UInt8(ascii: "A"): line.append(contentsOf: CivilTime.fullWeekdayNames[time.weekday])
        case UInt8(ascii: "b"), UInt8(ascii: "h"): line.append(contentsOf: CivilTime.monthNames[time.month - 1])
        case UInt8(ascii: "B"): line.append(contentsOf: CivilTime.fullMonthNames[time.month - 1])
        case UInt8(ascii: "d"): line.appendDecimal(time.day, width: 2)
        case UInt8(ascii: "e"):
            if time.day < 10 { line.append(UInt8(ascii: " ")) }
            line.appendDecimal(time.day)
        case UInt8(ascii: "H"): line.appendDecimal(time.hour, width: 2)
        case UInt8(ascii: "I"): line.appendDecimal((time.hour + 11) % 12 + 1, width: 2)
        case UInt8(ascii: "j"): line.appendDecimal(time.dayOfYear + 1, width: 3)
        case UInt8(ascii: "m"): line.appendDecimal(time.month, width: 2)
        case UInt8(ascii: "M"): line.appendDecimal(time.minute, width: 2)
        case UInt8(ascii: "p"): line.append(contentsOf: (time.hour < 12 ? "AM" : "PM").utf8)
        case UInt8(ascii: "S"): line.appendDecimal(time.second, width: 2)
        case UInt8(ascii: "y"): line.appendDecimal(((time.year % 100) + 100) % 100, width: 2)
        case UInt8(ascii: "Y"): line.appendDecimal(time.year, width: 4)
        case UInt8(ascii: "z"): appendOffset(utcOffsetSeconds, to: &line)
        case UInt8(ascii: "s"): line.appendDecimal(unixSeconds)
        case UInt8(ascii: "F"):
            line.appendDecimal(time.year, width: 4)
            line.append(UInt8(ascii: "-"))
            line.appendDecimal(time.month, width: 2)
            line.append(UInt8(ascii: "-"))
            line.appendDecimal(time.day, width: 2)
        case UInt8(ascii: "T"): appendClock(time, to: &line)
        case UInt8(ascii: "D"):
            line.appendDecimal(time.month, width: 2)
            line.append(UInt8(ascii: "/"))
            line.appendDecimal(time.day, width: 2)
            line.append(UInt8(ascii: "/"))
            line.appendDecimal(((time.year % 100) + 100) % 100, width: 2)
        case UInt8(ascii: "R"):
            line.appendDecimal(time.hour, width: 2)
            line.append(UInt8(ascii: ":"))
            line.appendDecimal(time.minute, width: 2)
        case UInt8(ascii: "n"): line.append(0x0A)
        case UInt8(ascii: "t"): line.append(0x09)
        default: line.append(letter)  // "%%" → "%"; the parser admits nothing else
        }
    }

    /// `HH:MM:SS`
    private static func appendClock(_ time: CivilTime, to line: inout [UInt8]) {
        line.appendDecimal(time.hour, width: 2)
        line.append(UInt8(ascii: ":"))
        line.appendDecimal(time.minute, width: 2)
        line.append(UInt8(ascii: ":"))
        line.appendDecimal(time.second, width: 2)
    }

    /// `+hhmm` / `-hhmm`
    private static func appendOffset(_ seconds: Int, to line: inout [UInt8]) {
        line.append(seconds < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let minutes = abs(seconds) / 60
        line.appendDecimal(minutes / 60, width: 2)
        line.appendDecimal(minutes % 60, width: 2)
    }
}
