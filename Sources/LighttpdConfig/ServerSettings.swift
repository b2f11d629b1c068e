/// The settings that describe the whole server (keys of global scope), with their defaults.
///
/// Every limit the front server enforces is here, named and documented (like NIO's
/// `NIOHTTPDecoderLimitConfiguration`); handlers read them from this struct, never from literals.
public struct ServerSettings: Sendable, Hashable {
    /// `server.port`. Default 80, as lighttpd.
    public var port = 80
    /// `server.bind`. Default: every IPv4 address.
    public var bind = ""
    /// `server.max-worker`: event loops. Default 0, meaning one per core.
    public var maxWorker = 0
    /// `server.busy-poll`: microseconds an idle event loop polls before sleeping. Default 0 (sleep at once).
    public var busyPoll = 0
    /// `server.errorlog`: default nil, meaning standard error.
    public var errorLog: String?
    /// `server.max-connections`: client connections open at once. Default 1024.
    public var maxConnections = 1024
    /// `server.max-request-field-size`: bytes of request line + headers. Default 8192 (lighttpd's 8 KiB).
    public var maxRequestFieldSize = 8192
    /// `server.max-read-idle`: seconds to receive a request head (and between body reads). Default 60.
    public var maxReadIdle = 60
    /// `server.max-write-idle`: seconds a client may stall reading a response. Default 360.
    public var maxWriteIdle = 360
    /// `server.max-keep-alive-requests`: requests per client connection. Default 1000; 0 disables keep-alive.
    public var maxKeepAliveRequests = 1000
    /// `server.max-keep-alive-idle`: seconds an idle keep-alive connection stays open. Default 5.
    public var maxKeepAliveIdle = 5
    /// `server.graceful-shutdown-timeout`: seconds in-flight work may take after SIGINT/SIGTERM. Default 5.
    public var gracefulShutdownTimeout = 5
    /// `server.pid-file`: default none.
    public var pidFile: String?
    /// `server.use-ipv6`: also listen on `[::]` when `server.bind` is unset. Default false.
    public var useIPv6 = false
    /// `server.stat-cache-engine`: false for `"disable"`; any other accepted value is lighttpd's one-second
    /// "simple" cache. Default true.
    public var statCache = true
    /// `server.modules` plus the always-loaded ones.
    public var modules: Set<String> = ConfigModules.alwaysLoaded

    public init() {}

    /// Reads the global block; values were type-checked by the validator, so a bad one keeps its default.
    init(global: ConfigBlock, modules: Set<String>) {
        func integer(_ key: String) -> Int? { global[key]?.value.integerValue }
        port = integer("server.port") ?? port
        bind = global["server.bind"]?.value.string ?? bind
        maxWorker = integer("server.max-worker") ?? maxWorker
        busyPoll = integer("server.busy-poll") ?? busyPoll
        errorLog = global["server.errorlog"]?.value.string
        maxConnections = integer("server.max-connections") ?? maxConnections
        maxRequestFieldSize = integer("server.max-request-field-size") ?? maxRequestFieldSize
        maxReadIdle = integer("server.max-read-idle") ?? maxReadIdle
        maxWriteIdle = integer("server.max-write-idle") ?? maxWriteIdle
        maxKeepAliveRequests = integer("server.max-keep-alive-requests") ?? maxKeepAliveRequests
        maxKeepAliveIdle = integer("server.max-keep-alive-idle") ?? maxKeepAliveIdle
        // lighttpd 1.4 also takes it as a feature flag (Debian's default config sets it that way).
        let flagged = global["server.feature-flags"]?.value.array?
            .first { $0.key == "server.graceful-shutdown-timeout" }?.value.integerValue
        gracefulShutdownTimeout = integer("server.graceful-shutdown-timeout") ?? flagged ?? gracefulShutdownTimeout
        pidFile = global["server.pid-file"]?.value.string
        useIPv6 = global["server.use-ipv6"]?.value.booleanValue ?? useIPv6
        statCache = global["server.stat-cache-engine"]?.value.string.map { $0 != "disable" } ?? statCache
        self.modules = modules
    }
}
