/// How `%t` / `%{...}t` writes a time, and the units of `%T`.
///
/// `%{...}t` takes, as in Apache and lighttpd:
/// - an optional `begin:` (request start) or `end:` (request end, the default, as lighttpd) prefix;
/// - `sec`, `msec`, `usec`, `nsec`: the time since the epoch in that unit;
/// - `msec_frac`, `usec_frac`, `nsec_frac`: the sub-second part, zero-padded;
/// - otherwise a strftime pattern, in the local time of the record's UTC offset, with the conversions
///   `%a %A %b %h %B %d %e %H %I %j %m %M %p %S %y %Y %z %s %F %T %D %R %n %t %%`. Others (locale and
///   week-number ones such as `%c %x %U`) are refused when the format is parsed.
public enum AccessLogTimeFormat: Sendable, Hashable {
    public enum Moment: Sendable, Hashable {
        case begin, end
    }

    public enum Unit: Sendable, Hashable {
        case seconds, milliseconds, microseconds, nanoseconds

        var nanosecondsPerUnit: Int64 {
            switch self {
            case .seconds: 1_000_000_000
            case .milliseconds: 1_000_000
            case .microseconds: 1000
            case .nanoseconds: 1
            }
        }

        /// Digits of a `_frac` value.
        var fractionDigits: Int {
            switch self {
            case .seconds: 0
            case .milliseconds: 3
            case .microseconds: 6
            case .nanoseconds: 9
            }
        }
    }

    /// One piece of a strftime pattern.
    public enum PatternItem: Sendable, Hashable {
        case literal([UInt8])
        /// The conversion letter after `%`.
        case conversion(UInt8)
    }

    /// `[10/Oct/2000:13:55:36 -0700]`, Common Log Format.
    case common
    /// Since the epoch, in `Unit`.
    case epoch(Unit)
    /// The sub-second part in `Unit`, zero-padded (`msec_frac` → 3 digits).
    case fraction(Unit)
    case pattern([PatternItem])

    static let supportedConversions = Set("aAbhBdeHIjmMpSyYzsFTDRnt%".utf8)
}
