import LighttpdConfig
import Logging
import NIOCore
import SluiceCore

/// Everything the request path needs from one loaded configuration, built once at start (and again on each
/// reload) and shared read-only by every event loop: the compiled site, its router, and the resources the
/// config names (access logs). A connection takes the runtime current when it is accepted and keeps it for
/// its life, so a reload never changes the rules under a request in flight.
public final class SiteRuntime: Sendable {
    public let site: Site
    public let router: RequestRouter
    public let errorLog: Logger
    /// One writer per `accesslog.filename` in the config.
    let accessLogs: [String: AccessLogWriter]
    /// When this runtime was built (the status page's uptime counts from the last (re)load).
    let loadedAt = NIODeadline.now()
    /// Backend groups and upstream pools, by the block that sets `proxy-core.backends`.
    let proxyRoutes: ProxyRoutes
    /// The stat cache and small-file bytes of each event loop (`server.stat-cache-engine`).
    let staticCaches: StaticFileCache.PerLoop
    /// The server's busy poller (`server.busy-poll`), for the status page.
    let busyPoller: BusyPoller?

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `eventLoops`: the server's loops (upstream connections live on them).
    public init(site: Site, errorLog: Logger, eventLoops: EventLoopGroup, busyPoller: BusyPoller? = nil) throws(StartError) {
        self.busyPoller = busyPoller
        self.site = site
        self.router = RequestRouter(site: site)
        self.errorLog = errorLog
        var logs: [String: AccessLogWriter] = [:]
        for options in site.options {
            guard let path = options.files.accessLogFile, logs[path] == nil else { continue }
            do {
                logs[path] = try AccessLogWriter(path: path)
            } catch {
                throw StartError(description: error.description)
            }
        }
        self.accessLogs = logs
        self.proxyRoutes = ProxyRoutes(site: site, eventLoops: eventLoops, errorLog: errorLog)
        self.staticCaches = StaticFileCache.PerLoop(eventLoops: eventLoops, statCacheEnabled: site.server.statCache)
    }

    /// Starts what runs in the background while this runtime serves: the active health checks. Called by
    /// `SluiceServer.install`; a runtime built but never installed (a reload that failed) checks nothing.
    func startBackgroundTasks() {
        for route in proxyRoutes.routes.values { route.startHealthChecks() }
    }

    /// Stops the health checks and closes idle upstream connections (after a reload replaced this runtime, or
    /// at shutdown).
    public func shutdownUpstreams() {
        for route in proxyRoutes.routes.values { route.shutdown() }
    }

    public var server: ServerSettings { site.server }

    /// SIGUSR1: reopen every access log (after rotation).
    public func reopenLogs() {
        for writer in accessLogs.values {
            do {
                try writer.reopen()
            } catch {
                errorLog.error("\(error)")
            }
        }
    }
}
