extension AccessLogFormat {
    /// Parses `accesslog.format`. Runs of text, `%%` and `%l` become one literal part each.
    public init(parsing text: String) throws(AccessLogFormatError) {
        let bytes = Array(text.utf8)
        var parts = [Part]()
        var literal = [UInt8]()
        func flushLiteral() {
            if !literal.isEmpty {
                parts.append(.literal(literal))
                literal.removeAll()
            }
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "%") else {
                literal.append(byte)
                index += 1
                continue
            }
            let percent = index
            index += 1
            guard index < bytes.count else { throw .missingCode(offset: percent) }
            if bytes[index] == UInt8(ascii: "<") || bytes[index] == UInt8(ascii: ">") { index += 1 }
            var argument: String?
            var argumentOffset = index
            if index < bytes.count && bytes[index] == UInt8(ascii: "{") {
                argumentOffset = index + 1
                guard let close = bytes[argumentOffset...].firstIndex(of: UInt8(ascii: "}")) else {
                    throw .unterminatedArgument(offset: percent)
                }
                guard close > argumentOffset else { throw .emptyArgument(offset: percent) }
                argument = String(decoding: bytes[argumentOffset..<close], as: UTF8.self)
                index = close + 1
            }
            guard index < bytes.count else { throw .missingCode(offset: percent) }
            let code = bytes[index]
            switch code {
            case UInt8(ascii: "%"), UInt8(ascii: "l"):
                literal.append(code == UInt8(ascii: "%") ? UInt8(ascii: "%") : UInt8(ascii: "-"))
                index += 1
                continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "!"):
                throw .statusConditionsUnsupported(offset: percent)
            default:
                break
            }
            let part = try Self.part(code: code, argument: argument, argumentOffset: argumentOffset, percent: percent)
            guard let part else {
                let scalar = String(decoding: bytes[index...].prefix(Self.utf8Length(lead: code)), as: UTF8.self)
                throw .unknownCode(scalar, offset: percent)
            }
            flushLiteral()
            parts.append(part)
            index += 1
        }
        flushLiteral()
        self.init(parts: parts)
    }

    /// The part for a code letter, nil when the letter is no code.
    private static func part(code: UInt8, argument: String?, argumentOffset: Int, percent: Int)
        throws(AccessLogFormatError) -> Part?
    {
        let letter = String(UnicodeScalar(code))
        switch code {
        case UInt8(ascii: "h"), UInt8(ascii: "a"): return .remoteAddress
        case UInt8(ascii: "A"): return .localAddress
        case UInt8(ascii: "u"): return .remoteUser
        case UInt8(ascii: "t"):
            guard let argument else { return .time(.common, at: .end) }
            let (format, moment) = try timeFormat(argument, offset: argumentOffset)
            return .time(format, at: moment)
        case UInt8(ascii: "r"): return .requestLine
        case UInt8(ascii: "s"): return .status
        case UInt8(ascii: "b"): return .bodyBytes
        case UInt8(ascii: "B"): return .bodyBytesOrZero
        case UInt8(ascii: "D"): return .duration(.microseconds)
        case UInt8(ascii: "T"):
            guard let argument else { return .duration(.seconds) }
            guard let unit = durationUnit(argument) else {
                throw .unknownDurationUnit(argument, offset: argumentOffset)
            }
            return .duration(unit)
        case UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "C"):
            guard let argument else { throw .missingArgument(letter, offset: percent) }
            return code == UInt8(ascii: "i")
                ? .requestHeader(argument) : code == UInt8(ascii: "o") ? .responseHeader(argument) : .cookie(argument)
        case UInt8(ascii: "v"): return .serverName
        case UInt8(ascii: "V"): return .host
        case UInt8(ascii: "U"): return .urlPath
        case UInt8(ascii: "q"): return .query
        case UInt8(ascii: "m"): return .method
        case UInt8(ascii: "H"): return .httpVersion
        case UInt8(ascii: "p"):
            switch argument {
            case nil, "local", "canonical": return .localPort
            case "remote": return .remotePort
            case let other?: throw .unknownPortKind(other, offset: argumentOffset)
            }
        case UInt8(ascii: "I"): return .bytesIn
        case UInt8(ascii: "O"): return .bytesOut
        case UInt8(ascii: "X"): return .connectionStatus
        case UInt8(ascii: "k"): return .keepAliveCount
        case UInt8(ascii: "f"): return .filename
        case UInt8(ascii: "e"), UInt8(ascii: "n"): return .unavailable
        default: return nil
        }
    }

    private static func durationUnit(_ name: String) -> AccessLogTimeFormat.Unit? {
        switch name {
        case "s", "sec": .seconds
        case "ms", "msec": .milliseconds
        case "us", "usec": .microseconds
        case "ns", "nsec": .nanoseconds
        default: nil
        }
    }

    /// The `{...}` of `%{...}t`; `offset` is where the argument starts in the whole format.
    private static func timeFormat(_ argument: String, offset: Int)
        throws(AccessLogFormatError) -> (AccessLogTimeFormat, AccessLogTimeFormat.Moment)
    {
        var text = Substring(argument)
        var offset = offset
        var moment = AccessLogTimeFormat.Moment.end
        for (prefix, prefixMoment) in [("begin:", AccessLogTimeFormat.Moment.begin), ("end:", .end)]
        where text.hasPrefix(prefix) {
            text = text.dropFirst(prefix.count)
            offset += prefix.utf8.count
            moment = prefixMoment
        }
        switch text {
        case "sec": return (.epoch(.seconds), moment)
        case "msec": return (.epoch(.milliseconds), moment)
        case "usec": return (.epoch(.microseconds), moment)
        case "nsec": return (.epoch(.nanoseconds), moment)
        case "msec_frac": return (.fraction(.milliseconds), moment)
        case "usec_frac": return (.fraction(.microseconds), moment)
        case "nsec_frac": return (.fraction(.nanoseconds), moment)
        default: break
        }
        let bytes = Array(text.utf8)
        var items = [AccessLogTimeFormat.PatternItem]()
        var literal = [UInt8]()
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "%") else {
                literal.append(bytes[index])
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { throw .unknownTimeConversion("", offset: offset + index) }
            let conversion = bytes[index + 1]
            guard AccessLogTimeFormat.supportedConversions.contains(conversion) else {
                let shown = String(decoding: bytes[(index + 1)...].prefix(utf8Length(lead: conversion)), as: UTF8.self)
                throw .unknownTimeConversion(shown, offset: offset + index)
            }
            if !literal.isEmpty {
                items.append(.literal(literal))
                literal.removeAll()
            }
            items.append(.conversion(conversion))
            index += 2
        }
        if !literal.isEmpty { items.append(.literal(literal)) }
        return (.pattern(items), moment)
    }

    /// How many bytes the UTF-8 sequence starting with `lead` has (1 for anything odd), to quote a
    /// whole character in a message.
    private static func utf8Length(lead: UInt8) -> Int {
        switch lead {
        case 0xF0...0xF7: 4
        case 0xE0...0xEF: 3
        case 0xC0...0xDF: 2
        default: 1
        }
    }
}
