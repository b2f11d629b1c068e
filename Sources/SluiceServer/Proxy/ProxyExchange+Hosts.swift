import SluiceCore

/// The `Host` the backend is sent, and the way back: the reverse map of its response.
extension ProxyExchange {
    /// The `Host` the backend gets instead of the client's, decided when the request head is sent: the chosen
    /// backend's label or host[:port] with `proxy.replace-http-host`, else a `map-host-request` replacement
    /// (`byRequestMap`, which a `map-host-response` key `-` stands for); nil: the client's.
    func chooseSentHost() -> (host: String, byRequestMap: Bool)? {
        let proxy = routed.options.proxy
        if proxy.replacesHost, let index = ticket?.backend.index, proxy.backendHostHeaders.indices.contains(index),
            let host = proxy.backendHostHeaders[index]
        {
            return (host, false)
        }
        guard !proxy.hostMapRequest.isEmpty else { return nil }
        let mapped = HostMap.requestHost(proxy.hostMapRequest, clientHost: clientHead.headers.first(name: "Host"))
        guard mapped.replaced, let host = mapped.host else { return nil }
        return (host, true)
    }

    /// The reverse map of this request's response (nil with `proxy-core.reverse-map` off).
    func reverseMapper() -> ReverseMapper? {
        let options = routed.options
        guard options.proxy.reverseMap else { return nil }
        let clientHost = clientHead.headers.first(name: "Host")
        let hostMappings =
            options.proxy.hostMapResponse.isEmpty
            ? []
            : HostMap.responseMappings(
                options.proxy.hostMapResponse, clientHost: clientHost,
                replacedRequestHost: sentHost.flatMap { $0.byRequestMap ? $0.host : nil })
        return ReverseMapper(
            mapping: backendTarget.mapping, clientScheme: routed.facts.scheme, clientHost: clientHost,
            backend: ticket.flatMap { route.authorities[$0.backend.index] }, sentHost: sentHost?.host,
            hostMappings: hostMappings, httpsRemap: options.proxy.httpsRemap)
    }
}
