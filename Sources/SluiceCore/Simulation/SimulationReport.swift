/// The outcome of `Simulator.run`. Latencies are what a client sees: from arrival at the proxy to the answer,
/// including time spent on refused connections and in the backlog. Times are nanoseconds.
public struct SimulationReport: Sendable {
    public var balancer: String
    /// Requests answered.
    public var completed: Int
    public var meanLatency: Double
    public var p50Latency: Double
    public var p99Latency: Double
    public var p999Latency: Double
    public var maxLatency: Double
    /// Connection attempts refused (each one also disabled a backend for `disable-time`).
    public var connectFailures: Int
    /// Times a request found no backend up and waited in the backlog.
    public var backlogged: Int
    /// Requests answered with an error (503) instead: refused `maxAttempts` times, or every backend down with no
    /// recovery in sight. Not part of the latency figures.
    public var failed: Int
    /// Simulated time from the first arrival to the last answer.
    public var duration: Double
    public var backends: [Backend]

    public struct Backend: Sendable {
        public var name: String
        /// Requests this backend answered.
        public var served: Int
        /// `served` / all answered.
        public var share: Double
        /// Mean client-seen latency of the requests it answered.
        public var meanLatency: Double
        public var connectFailures: Int
    }
}

extension SimulationReport: CustomStringConvertible {
    /// A short table in milliseconds, for `scripts/bench-balancers`.
    public var description: String {
        var lines = [
            "\(balancer): \(completed) requests in \(format(duration / 1e9, decimals: 1)) s simulated;"
                + " mean \(ms(meanLatency)) p50 \(ms(p50Latency)) p99 \(ms(p99Latency)) p99.9 \(ms(p999Latency))"
                + " max \(ms(maxLatency)); connect failures \(connectFailures), backlogged \(backlogged)"
                + (failed > 0 ? ", failed \(failed)" : ""),
        ]
        for backend in backends {
            lines.append(
                "  \(backend.name): \(format(backend.share * 100, decimals: 1))% (\(backend.served))"
                    + " mean \(ms(backend.meanLatency))"
                    + (backend.connectFailures > 0 ? " refused \(backend.connectFailures)" : ""))
        }
        return lines.joined(separator: "\n")
    }

    private func ms(_ nanoseconds: Double) -> String {
        format(nanoseconds / 1e6, decimals: 3) + " ms"
    }

    /// Fixed-point text without Foundation's `String(format:)`.
    private func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        let fraction = String(scaled % Int64(scale))
        let padded = String(repeating: "0", count: max(decimals - fraction.count, 0)) + fraction
        return (value < 0 ? "-" : "") + "\(whole)" + (decimals > 0 ? "." + padded : "")
    }
}
