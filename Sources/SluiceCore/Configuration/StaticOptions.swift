import LighttpdConfig

/// Static-file, error-page, auth-backend and access-log options one block sets (nil: not set here).
public struct StaticOptions: Sendable {
    public var documentRoot: String?
    public var aliases: AliasTable?
    public var indexFileNames: [String]?
    public var excludeExtensions: [String]?
    /// `url.access-deny`, `url.access-allow` (mod_access).
    public var accessDeny: [String]?
    public var accessAllow: [String]?
    public var directoryListing: Bool?
    public var hideDotfiles: Bool?
    public var followSymlinks: Bool?
    public var etags: Bool?
    public var rangeRequests: Bool?
    /// `mimetype.assign` on top of the built-in table.
    public var mimeTypes: MimeTypeTable?
    public var errorFilePrefix: String?
    public var serverTag: String?
    public var authBackend: AuthBackend?
    /// `auth.backend.htpasswd.userfile` / `auth.backend.plain.userfile` (loaded into `Site.userFiles`).
    public var htpasswdFile: String?
    public var plainFile: String?
    public var accessLogFile: String?
    public var accessLogFormat: AccessLogFormat?
    /// `server.max-request-size`, in KiB; 0 means no limit.
    public var maxRequestSizeKiB: Int?
    /// `setenv.add-request-header`, `setenv.set-request-header`, `setenv.add-response-header`,
    /// `setenv.set-response-header`.
    public var addRequestHeaders: [ConfigPair]?
    public var setRequestHeaders: [ConfigPair]?
    public var addResponseHeaders: [ConfigPair]?
    public var setResponseHeaders: [ConfigPair]?
    /// `status.status-url`.
    public var statusURL: String?

    public init() {}
}

/// The static-file side of the options in effect for a request, with defaults.
public struct ResolvedStatic: Sendable {
    public var documentRoot: String?
    public var aliases = AliasTable()
    public var settings = StaticFileSettings()
    /// mod_access, checked for every request (static or proxied).
    public var accessRules = AccessRules()
    public var errorFilePrefix: String?
    public var serverTag: String?
    public var authBackend: AuthBackend?
    public var htpasswdFile: String?
    public var plainFile: String?
    public var accessLogFile: String?
    public var accessLogFormat = AccessLogFormat.default
    public var maxRequestSizeKiB = 0
    /// mod_setenv: headers added to (or replacing those of) the request before it is handled, and every
    /// response. An empty `set` value removes the header.
    public var addRequestHeaders: [ConfigPair] = []
    public var setRequestHeaders: [ConfigPair] = []
    public var addResponseHeaders: [ConfigPair] = []
    public var setResponseHeaders: [ConfigPair] = []
    public var statusURL: String?

    public init() {}

    /// The user file for the auth backend in effect.
    public var userFilePath: String? {
        switch authBackend {
        case .htpasswd: return htpasswdFile
        case .plain: return plainFile
        case nil: return nil
        }
    }

    mutating func overlay(_ options: StaticOptions) {
        if let v = options.documentRoot { documentRoot = v }
        if let v = options.aliases { aliases = v }
        if let v = options.indexFileNames { settings.indexFileNames = v }
        if let v = options.excludeExtensions { settings.excludeExtensions = v }
        if let v = options.accessDeny { accessRules.deny = v }
        if let v = options.accessAllow { accessRules.allow = v.isEmpty ? nil : v }
        if let v = options.directoryListing { settings.directoryListing = v }
        if let v = options.hideDotfiles { settings.hideDotfiles = v }
        if let v = options.followSymlinks { settings.followSymlinks = v }
        if let v = options.etags { settings.etags = v }
        if let v = options.rangeRequests { settings.rangeRequests = v }
        if let v = options.mimeTypes { settings.mimeTypes = v }
        if let v = options.errorFilePrefix { errorFilePrefix = v }
        if let v = options.serverTag { serverTag = v }
        if let v = options.authBackend { authBackend = v }
        if let v = options.htpasswdFile { htpasswdFile = v }
        if let v = options.plainFile { plainFile = v }
        if let v = options.accessLogFile { accessLogFile = v }
        if let v = options.accessLogFormat { accessLogFormat = v }
        if let v = options.maxRequestSizeKiB { maxRequestSizeKiB = v }
        if let v = options.addRequestHeaders { addRequestHeaders = v }
        if let v = options.setRequestHeaders { setRequestHeaders = v }
        if let v = options.addResponseHeaders { addResponseHeaders = v }
        if let v = options.setResponseHeaders { setResponseHeaders = v }
        if let v = options.statusURL { statusURL = v }
    }
}
