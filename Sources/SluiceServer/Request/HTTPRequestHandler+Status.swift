import NIOCore
import NIOHTTP1
import SluiceCore

extension HTTPRequestHandler {
    /// `status.status-url`: every backend group of the running configuration with its counts.
    func sendStatus(_ routed: RoutedRequest, head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext) {
        let now = NIODeadline.now().uptimeNanoseconds
        let site = runtime.site
        var rows: [StatusReport.BackendRow] = []
        for (key, route) in runtime.proxyRoutes.routes.sorted(by: { $0.key < $1.key }) {
            var group = site.config.blocks[key.block].condition?.description ?? "global"
            if let server = site.options[key.block].proxy.servers?[key.server] {
                group += " proxy.server \"\(server.key)\""
            }
            for backend in route.group.backends {
                let stats = backend.stats.snapshot(at: now)
                let state: String
                switch backend.health.state(at: now) {
                case .up: state = "up"
                case .disabled: state = "disabled"
                case .down: state = "down"
                }
                rows.append(
                    StatusReport.BackendRow(
                        group: group, name: backend.name, state: state, inFlight: stats.inFlight,
                        requests: stats.requests, failures: stats.failures,
                        latencyMilliseconds: stats.latencyEstimate.map { $0 / 1_000_000 }))
            }
        }
        let uptime = Int((now - runtime.loadedAt.uptimeNanoseconds) / 1_000_000_000)
        let busyPoll = runtime.busyPoller.map { poller in
            let counts = poller.statistics
            return StatusReport.BusyPollRow(
                windowMicroseconds: Int(poller.window.nanoseconds / 1000), spins: counts.spins,
                endedByEvent: counts.endedByEvent, polls: counts.polls)
        }
        let report = StatusReport(
            version: SluiceVersion.serverHeader, uptimeSeconds: uptime, backends: rows, busyPoll: busyPoll)
        let format = StatusReport.Format(query: routed.facts.rawQuery.map { String(decoding: $0, as: UTF8.self) })
        sendResponse(
            .ok, fields: [("Content-Type", format.contentType), ("Cache-Control", "no-store")],
            body: context.channel.allocator.buffer(string: report.render(format)), head: head, keepAlive: keepAlive,
            context: context)
    }
}
