/// An evaluated config value (includes, variables, `+` and `+=` resolved) and where it was written.
public struct ConfigValue: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case string(String)
        case integer(Int)
        /// `( "a", "b" )` or `( "k" => "v", ... )`; lighttpd allows mixing, so keys are optional per entry.
        case array([ConfigArrayEntry])
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    public var string: String? {
        if case .string(let s) = kind { return s }
        return nil
    }

    public var integer: Int? {
        if case .integer(let i) = kind { return i }
        return nil
    }

    public var array: [ConfigArrayEntry]? {
        if case .array(let a) = kind { return a }
        return nil
    }

    /// What kind of value this is, for error messages: "a string", "an integer", "an array".
    public var kindDescription: String {
        switch kind {
        case .string: return "a string"
        case .integer: return "an integer"
        case .array(let entries): return entries.contains { $0.key != nil } ? "a key-value array" : "an array"
        }
    }
}

/// One element of an array value: `"value"` or `"key" => value`.
public struct ConfigArrayEntry: Sendable, Hashable {
    public var key: String?
    public var keyLocation: SourceLocation?
    public var value: ConfigValue

    public init(key: String? = nil, keyLocation: SourceLocation? = nil, value: ConfigValue) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}
