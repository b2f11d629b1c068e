/// A `"key" => "value"` pair of a string map, with both locations (a regex error points into the key).
public struct ConfigPair: Sendable, Hashable {
    public var key: String
    public var value: String
    public var keyLocation: SourceLocation
    public var valueLocation: SourceLocation
}

extension ConfigValue {
    /// lighttpd's boolean spellings.
    static let trueWords: Set<String> = ["enable", "enabled", "true", "on", "1"]
    static let falseWords: Set<String> = ["disable", "disabled", "false", "off", "0"]

    /// `"enable"`/`"disable"` (and `true`/`false`, `on`/`off`, `1`/`0` as strings or integers).
    public var booleanValue: Bool? {
        switch kind {
        case .string(let s):
            let lower = s.lowercased()
            if ConfigValue.trueWords.contains(lower) { return true }
            if ConfigValue.falseWords.contains(lower) { return false }
            return nil
        case .integer(let i):
            return i == 0 ? false : i == 1 ? true : nil
        case .array:
            return nil
        }
    }

    /// An integer, or a string holding only decimal digits (lighttpd accepts `server.port = "8080"`).
    public var integerValue: Int? {
        switch kind {
        case .integer(let i):
            return i
        case .string(let s):
            guard !s.isEmpty, s.utf8.count <= 10, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return Int(s)
        case .array:
            return nil
        }
    }

    /// A list of strings; a lone string is a one-element list.
    public var stringListValue: [String]? {
        switch kind {
        case .string(let s):
            return [s]
        case .integer:
            return nil
        case .array(let entries):
            var result: [String] = []
            result.reserveCapacity(entries.count)
            for entry in entries {
                guard entry.key == nil, let s = entry.value.string else { return nil }
                result.append(s)
            }
            return result
        }
    }

    /// The elements of a list of strings with their locations.
    public var locatedStrings: [(value: String, location: SourceLocation)]? {
        switch kind {
        case .string(let s):
            return [(s, location)]
        case .integer:
            return nil
        case .array(let entries):
            var result: [(String, SourceLocation)] = []
            for entry in entries {
                guard entry.key == nil, let s = entry.value.string else { return nil }
                result.append((s, entry.value.location))
            }
            return result
        }
    }

    /// `( "k" => "v", ... )` with string keys and values, in order.
    public var stringPairsValue: [ConfigPair]? {
        guard case .array(let entries) = kind else { return nil }
        var result: [ConfigPair] = []
        result.reserveCapacity(entries.count)
        for entry in entries {
            guard let key = entry.key, let value = entry.value.string else { return nil }
            result.append(
                ConfigPair(
                    key: key, value: value, keyLocation: entry.keyLocation ?? entry.value.location,
                    valueLocation: entry.value.location))
        }
        return result
    }

    /// The entry with `key` in a key-value array.
    public subscript(key: String) -> ConfigValue? {
        array?.first { $0.key == key }?.value
    }
}
