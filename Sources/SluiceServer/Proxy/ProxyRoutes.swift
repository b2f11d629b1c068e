import LighttpdConfig
import Logging
import NIOCore
import SluiceCore

/// The backends of one `proxy-core.backends` setting: their balancer group (shared counts and health) and
/// one upstream pool per backend. Requests matched by the same block share them.
final class ProxyRoute: Sendable {
    let group: BackendGroup
    let pools: [UpstreamPool]
    let authorities: [BackendAuthority?]
    /// Requests waiting for a backend to come up (`proxy-core.max-backlog-size`).
    let backlog: BacklogGate
    /// `proxy-core.health-check`, when set: checks every backend on one of the server's loops.
    let healthChecker: ActiveHealthChecker?
    /// The balancer reads the client's address (`sticky`): only then is it formatted for a request. Decided
    /// here once; asking the balancer's type per request is a dynamic cast.
    let balancesByClientAddress: Bool
    /// The balancer hashes the request's host and path (`hash`): only then are they handed to it.
    let balancesByHostAndPath: Bool
    /// `proxy-core.protocol` of the group: every connection of its pools speaks it.
    let backendProtocol: BackendProtocol

    init(backends: [ResolvedBackend], proxy: ResolvedProxy, eventLoops: EventLoopGroup, errorLog: Logger) {
        let health = HealthPolicy(
            disableTime: UInt64(max(0, proxy.disableTime)) * 1_000_000_000,
            activeCheck: proxy.healthCheck.map {
                ActiveHealthCheck(path: $0, interval: UInt64(max(1, proxy.healthCheckInterval)) * 1_000_000_000)
            })
        let group = BackendGroup(names: backends.map(\.label), balancer: proxy.balancer, health: health)
        self.group = group
        backendProtocol = proxy.backendProtocol
        balancesByClientAddress = group.balancer is StickyBalancer
        balancesByHostAndPath = group.balancer is URLHashBalancer
        pools = zip(group.backends, backends).map { backend, resolved in
            UpstreamPool(backend: backend, address: resolved.address, group: eventLoops, proxy: proxy, errorLog: errorLog)
        }
        authorities = backends.map(BackendAuthority.init)
        backlog = BacklogGate(capacity: proxy.maxBacklogSize)
        healthChecker = proxy.healthCheck.map { path in
            // A check may take until the next is due, and no longer than connecting may (SPEC §4).
            let seconds = max(1, min(proxy.healthCheckInterval, proxy.connectTimeout))
            return ActiveHealthChecker(
                backends: group.backends, addresses: backends.map(\.address), path: path,
                timeout: .seconds(Int64(seconds)), backendProtocol: proxy.backendProtocol, loop: eventLoops.next(),
                errorLog: errorLog)
        }
    }

    /// Starts the active checks (when the runtime is installed).
    func startHealthChecks() {
        healthChecker?.start()
    }

    func shutdown() {
        healthChecker?.stop()
        for pool in pools { pool.shutdown() }
    }
}

/// Every proxy route of a site: one per block that sets `proxy-core.backends`, one per key of each
/// `proxy.server`.
struct ProxyRoutes: Sendable {
    let routes: [ProxyRouteKey: ProxyRoute]
    /// The same routes by block, then by key index: what a request looks up (no hashing per request).
    private let byBlock: [[ProxyRoute?]]

    /// The route of `key`, nil when the site has none there.
    subscript(key: ProxyRouteKey) -> ProxyRoute? {
        guard byBlock.indices.contains(key.block) else { return nil }
        let servers = byBlock[key.block]
        return servers.indices.contains(key.server) ? servers[key.server] : nil
    }

    init(site: Site, eventLoops: EventLoopGroup, errorLog: Logger) {
        var routes: [ProxyRouteKey: ProxyRoute] = [:]
        for (index, options) in site.options.enumerated() {
            let servers = options.proxy.servers ?? []
            guard options.proxy.backends.map({ !$0.isEmpty }) ?? false || !servers.isEmpty else { continue }
            // The settings in effect for that block alone (its own and those of the blocks it is nested in).
            var active = [Bool](repeating: false, count: site.config.blocks.count)
            var cursor: Int? = index
            while let block = cursor {
                active[block] = true
                cursor = site.config.blocks[block].parent
            }
            let resolved = ResolvedOptions(site: site, active: ActiveBlocks(active: active, captures: [])).proxy
            if let backends = options.proxy.backends, !backends.isEmpty {
                routes[ProxyRouteKey(block: index)] = ProxyRoute(
                    backends: backends, proxy: resolved, eventLoops: eventLoops, errorLog: errorLog)
            }
            for (server, entry) in servers.enumerated() where !entry.backends.isEmpty {
                routes[ProxyRouteKey(block: index, server: server)] = ProxyRoute(
                    backends: entry.backends, proxy: resolved.choosing(server: server), eventLoops: eventLoops,
                    errorLog: errorLog)
            }
        }
        self.routes = routes
        var byBlock = [[ProxyRoute?]](repeating: [], count: site.options.count)
        for (key, route) in routes {
            if byBlock[key.block].count <= key.server {
                byBlock[key.block] += [ProxyRoute?](repeating: nil, count: key.server + 1 - byBlock[key.block].count)
            }
            byBlock[key.block][key.server] = route
        }
        self.byBlock = byBlock
    }
}
