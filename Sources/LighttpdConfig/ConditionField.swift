/// What a conditional block compares: `$HTTP["url"]`, `$REQUEST_HEADER["X-Name"]`, `$SERVER["socket"]`, ...
///
/// Field names follow lighttpd 1.4 (`configfile-glue.c`), aliases included.
public enum ConditionField: Sendable, Hashable, CustomStringConvertible {
    /// The decoded, dot-segment-free path without the query (`r->uri.path`).
    case url
    /// The raw query string, undecoded, without `?`.
    case queryString
    /// The lower-cased Host (or the authority of an absolute-form target).
    case host
    /// The client address; `==` / `!=` accept CIDR (`"10.0.0.0/8"`).
    case remoteIP
    /// `http` or `https`.
    case scheme
    case requestMethod
    /// Any request header by name (`useragent`, `referer`, `cookie`, `language` are aliases).
    case requestHeader(String)
    /// `$SERVER["socket"] == ":8443"`: the listening socket; declares that socket.
    case serverSocket
    /// `$PHYSICAL["path"]`, `$PHYSICAL["existing-path"]`: the file a request maps to.
    case physicalPath
    case physicalExistingPath

    /// `$HTTP["..."]` field names, with their lighttpd aliases.
    static let httpFields: [String: ConditionField] = [
        "url": .url,
        "querystring": .queryString, "query-string": .queryString,
        "host": .host,
        "remoteip": .remoteIP, "remote-ip": .remoteIP,
        "scheme": .scheme,
        "request-method": .requestMethod,
        "useragent": .requestHeader("User-Agent"), "user-agent": .requestHeader("User-Agent"),
        "referer": .requestHeader("Referer"),
        "cookie": .requestHeader("Cookie"),
        "language": .requestHeader("Accept-Language"),
    ]

    /// The field as written in a config, for `-p` and `explain`.
    public var description: String {
        switch self {
        case .url: return "$HTTP[\"url\"]"
        case .queryString: return "$HTTP[\"querystring\"]"
        case .host: return "$HTTP[\"host\"]"
        case .remoteIP: return "$HTTP[\"remoteip\"]"
        case .scheme: return "$HTTP[\"scheme\"]"
        case .requestMethod: return "$HTTP[\"request-method\"]"
        case .requestHeader(let name): return "$REQUEST_HEADER[\"\(name)\"]"
        case .serverSocket: return "$SERVER[\"socket\"]"
        case .physicalPath: return "$PHYSICAL[\"path\"]"
        case .physicalExistingPath: return "$PHYSICAL[\"existing-path\"]"
        }
    }
}

/// An evaluated condition: field, operator and the compared string, with locations for error messages.
public struct ConfigCondition: Sendable, Hashable, CustomStringConvertible {
    public var field: ConditionField
    public var op: ConditionOperator
    public var value: String

    /// The same test (field, operator, value), wherever written.
    public func sameTest(as other: ConfigCondition) -> Bool {
        field == other.field && op == other.op && value == other.value
    }
    public var location: SourceLocation
    /// Where the compared string starts; a regex error at byte offset N is reported at column + 1 + N.
    public var valueLocation: SourceLocation

    public init(
        field: ConditionField, op: ConditionOperator, value: String, location: SourceLocation,
        valueLocation: SourceLocation
    ) {
        self.field = field
        self.op = op
        self.value = value
        self.location = location
        self.valueLocation = valueLocation
    }

    public var description: String {
        "\(field) \(op.rawValue) \"\(ConfigPrinter.escape(value))\""
    }
}

/// One setting in one block: `key = value` after evaluation.
public struct ConfigSetting: Sendable, Hashable {
    public var key: String
    public var value: ConfigValue
    /// Where the key was (last) assigned.
    public var location: SourceLocation

    public init(key: String, value: ConfigValue, location: SourceLocation) {
        self.key = key
        self.value = value
        self.location = location
    }
}

/// A block of settings: the global block (index 0) or a conditional block.
///
/// Blocks are kept flat, in config order, with links to their parent and to the branch before them in an
/// `else` chain. A request applies the global block and then every matching block in order, so for each
/// setting the last matching block wins (lighttpd's merge rule).
public struct ConfigBlock: Sendable {
    public var index: Int
    public var parent: Int?
    /// The branch before this one in an `if / else` chain; this block runs only when none before it did.
    public var previousBranch: Int?
    /// `nil` for the global block and for a bare `else`.
    public var condition: ConfigCondition?
    public var location: SourceLocation
    public var depth: Int
    public private(set) var settings: [String: ConfigSetting] = [:]
    /// Keys in the order they were first assigned, for printing.
    public private(set) var order: [String] = []

    public init(
        index: Int, parent: Int?, previousBranch: Int?, condition: ConfigCondition?, location: SourceLocation,
        depth: Int
    ) {
        self.index = index
        self.parent = parent
        self.previousBranch = previousBranch
        self.condition = condition
        self.location = location
        self.depth = depth
    }

    public var isElse: Bool { previousBranch != nil }

    public subscript(key: String) -> ConfigSetting? { settings[key] }

    /// The settings in assignment order.
    public var orderedSettings: [ConfigSetting] { order.compactMap { settings[$0] } }

    mutating func set(_ setting: ConfigSetting) {
        if settings.updateValue(setting, forKey: setting.key) == nil { order.append(setting.key) }
    }

    mutating func remove(_ key: String) {
        if settings.removeValue(forKey: key) != nil { order.removeAll { $0 == key } }
    }
}
