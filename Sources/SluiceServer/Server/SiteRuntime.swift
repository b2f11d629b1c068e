import LighttpdConfig
import Logging
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

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(site: Site, errorLog: Logger) throws(StartError) {
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
