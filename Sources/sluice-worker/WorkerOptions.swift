/// What the command line asked for, before anything is bound.
struct WorkerOptions: Sendable {
    /// Address to bind (`--bind`), also the host in `/redirect`'s `Location` when the connection's own
    /// local address is unknown.
    var host: String
    /// Requested port (`--port`); 0 asks the kernel for a free one.
    var port: Int
    /// `--name`; `nil` means `worker-PORT` with the port actually bound.
    var name: String?
    /// Added before every response (`--delay-ms`, `--jitter-ms`).
    var delay: ResponseDelay
    /// Event loop threads (`--threads`, like lighttpd's `server.max-worker`).
    var threads: Int
    /// `--protocol fastcgi|scgi`: requests arrive as FastCGI or SCGI (`CGIServerCodec`); nil: HTTP/1.1.
    var cgiProtocol: CGIServerCodec.Kind? = nil
}
