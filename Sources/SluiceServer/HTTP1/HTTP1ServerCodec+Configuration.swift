import NIOCore

extension HTTP1ServerCodec {
    /// Every bound and time limit of the codec, named and documented in one place (SPEC §6). The
    /// defaults are lighttpd's.
    public struct Configuration: Sendable {
        /// What the request parser accepts (`server.max-request-field-size`, `server.max-request-size`).
        public var requestLimits: HTTP1RequestLimits

        /// `server.max-read-idle` (default 60 s): a request head must be complete this long after the
        /// connection opened, or after the first byte of a later request; while a body arrives, no
        /// silence may last longer. Past it: 408, then close.
        public var requestHeadTimeout: TimeAmount

        /// `server.max-keep-alive-idle` (default 5 s): a kept-alive connection with no request in
        /// progress is closed after this long.
        public var keepAliveIdleTimeout: TimeAmount

        /// `server.max-write-idle` (default 360 s): a client that keeps the connection unwritable this
        /// long (it does not read what we send) is disconnected.
        public var writeStallTimeout: TimeAmount

        /// The most received, not yet parsed bytes (pipelined requests waiting for the response in
        /// flight) kept before socket reads are held (back-pressure). Below it, reads go on while a
        /// response is produced: no `epoll_ctl` to stop and restart them for every proxied request.
        /// Default 64 KiB, one full socket read.
        public var maxBufferedBytes: Int

        /// The defaults documented on each property.
        public init(
            requestLimits: HTTP1RequestLimits = .init(),
            requestHeadTimeout: TimeAmount = .seconds(60),
            keepAliveIdleTimeout: TimeAmount = .seconds(5),
            writeStallTimeout: TimeAmount = .seconds(360),
            maxBufferedBytes: Int = 64 * 1024
        ) {
            self.requestLimits = requestLimits
            self.requestHeadTimeout = requestHeadTimeout
            self.keepAliveIdleTimeout = keepAliveIdleTimeout
            self.writeStallTimeout = writeStallTimeout
            self.maxBufferedBytes = maxBufferedBytes
        }

        /// The time limits of a configured server, with the parser's limits.
        public init(_ limits: ConnectionLimits, requestLimits: HTTP1RequestLimits) {
            self.init(
                requestLimits: requestLimits, requestHeadTimeout: limits.requestHeadTimeout,
                keepAliveIdleTimeout: limits.keepAliveIdleTimeout, writeStallTimeout: limits.writeStallTimeout)
        }
    }
}
