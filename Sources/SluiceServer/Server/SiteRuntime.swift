import LighttpdConfig
import Logging
import SluiceCore

/// Everything the request path needs from one loaded configuration, built once at start (and again on each
/// reload) and shared read-only by every event loop: the compiled site, its router, and the resources the
/// config names (user files, logs). A connection takes the runtime current when it is accepted and keeps it
/// for its life, so a reload never changes the rules under a request in flight.
public final class SiteRuntime: Sendable {
    public let site: Site
    public let router: RequestRouter
    public let errorLog: Logger

    public init(site: Site, errorLog: Logger) {
        self.site = site
        self.router = RequestRouter(site: site)
        self.errorLog = errorLog
    }

    public var server: ServerSettings { site.server }
}
