/// The status page (`status.status-url`, SPEC §6): per backend group, each backend's state, requests in
/// flight, requests and failures so far, and its latency estimate. Rendered as HTML, JSON (`?json`) or
/// Prometheus text (`?format=prometheus`).
public struct StatusReport: Sendable {
    public struct BackendRow: Sendable {
        public var group: String
        public var name: String
        /// `up`, `disabled` (skipped after a failure) or `down` (failed its active check).
        public var state: String
        public var inFlight: Int
        public var requests: UInt64
        public var failures: UInt64
        /// Peak-EWMA latency estimate in milliseconds, when the backend has answered.
        public var latencyMilliseconds: Double?

        public init(group: String, name: String, state: String, inFlight: Int, requests: UInt64, failures: UInt64,
                    latencyMilliseconds: Double?) {
            self.group = group
            self.name = name
            self.state = state
            self.inFlight = inFlight
            self.requests = requests
            self.failures = failures
            self.latencyMilliseconds = latencyMilliseconds
        }
    }

    public enum Format: Sendable {
        case html, json, prometheus

        /// From the query: `json` or `format=json`, `format=prometheus`; otherwise HTML.
        public init(query: String?) {
            let items = (query ?? "").split(separator: "&")
            if items.contains("json") || items.contains("format=json") {
                self = .json
            } else if items.contains("format=prometheus") || items.contains("prometheus") {
                self = .prometheus
            } else {
                self = .html
            }
        }

        public var contentType: String {
            switch self {
            case .html: return "text/html; charset=utf-8"
            case .json: return "application/json"
            case .prometheus: return "text/plain; version=0.0.4; charset=utf-8"
            }
        }
    }

    /// `server.busy-poll` counts, summed over the event loops (for tuning the window: a spin ended by an event
    /// is a wake-up saved).
    public struct BusyPollRow: Sendable, Equatable {
        public var windowMicroseconds: Int
        public var spins: Int
        public var endedByEvent: Int
        public var polls: Int

        public init(windowMicroseconds: Int, spins: Int, endedByEvent: Int, polls: Int) {
            self.windowMicroseconds = windowMicroseconds
            self.spins = spins
            self.endedByEvent = endedByEvent
            self.polls = polls
        }
    }

    public var version: String
    public var uptimeSeconds: Int
    public var backends: [BackendRow]
    /// Nil when busy polling is off.
    public var busyPoll: BusyPollRow?

    public init(version: String, uptimeSeconds: Int, backends: [BackendRow], busyPoll: BusyPollRow? = nil) {
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.backends = backends
        self.busyPoll = busyPoll
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .json: return json
        case .prometheus: return prometheus
        case .html: return html
        }
    }

    private func latency(_ row: BackendRow) -> String {
        row.latencyMilliseconds.map { String((($0 * 1000).rounded()) / 1000) } ?? ""
    }

    var json: String {
        let rows = backends.map { row in
            "{\"group\": \"\(JSONText.escape(row.group))\", \"backend\": \"\(JSONText.escape(row.name))\", "
                + "\"state\": \"\(row.state)\", \"inFlight\": \(row.inFlight), \"requests\": \(row.requests), "
                + "\"failures\": \(row.failures), \"latencyMs\": \(row.latencyMilliseconds == nil ? "null" : latency(row))}"
        }
        let poll = busyPoll.map {
            "{\"windowMicroseconds\": \($0.windowMicroseconds), \"spins\": \($0.spins), "
                + "\"endedByEvent\": \($0.endedByEvent), \"polls\": \($0.polls)}"
        } ?? "null"
        return "{\"version\": \"\(JSONText.escape(version))\", \"uptimeSeconds\": \(uptimeSeconds), \"busyPoll\": \(poll), "
            + "\"backends\": [\n  " + rows.joined(separator: ",\n  ") + "\n]}\n"
    }

    var prometheus: String {
        var out = "# HELP sluice_uptime_seconds Seconds since Sluice started.\n# TYPE sluice_uptime_seconds gauge\n"
        out += "sluice_uptime_seconds \(uptimeSeconds)\n"
        func labels(_ row: BackendRow) -> String {
            "{group=\"\(Self.label(row.group))\",backend=\"\(Self.label(row.name))\"}"
        }
        let metrics: [(String, String, String, (BackendRow) -> String?)] = [
            ("sluice_backend_up", "gauge", "1 when the backend may be chosen.", { $0.state == "up" ? "1" : "0" }),
            ("sluice_backend_in_flight", "gauge", "Requests in flight.", { String($0.inFlight) }),
            ("sluice_backend_requests_total", "counter", "Requests sent.", { String($0.requests) }),
            ("sluice_backend_failures_total", "counter", "Requests that failed.", { String($0.failures) }),
            ("sluice_backend_latency_ms", "gauge", "Peak-EWMA latency estimate.", { $0.latencyMilliseconds.map { String($0) } }),
        ]
        for (name, type, help, value) in metrics {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for row in backends {
                if let v = value(row) { out += "\(name)\(labels(row)) \(v)\n" }
            }
        }
        if let busyPoll {
            let counters = [
                ("sluice_busy_poll_spins_total", "Polling spins after event-loop ticks.", busyPoll.spins),
                ("sluice_busy_poll_woken_total", "Spins ended by an event: wake-ups saved.", busyPoll.endedByEvent),
                ("sluice_busy_poll_polls_total", "Zero-timeout polls made.", busyPoll.polls),
            ]
            for (name, help, value) in counters {
                out += "# HELP \(name) \(help)\n# TYPE \(name) counter\n\(name) \(value)\n"
            }
        }
        return out
    }

    /// Prometheus label values escape `\`, `"` and newlines.
    static func label(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    var html: String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sluice status</title>"
        out += "<style>body{font-family:system-ui,sans-serif;margin:2rem}td,th{padding:.2rem .8rem;text-align:right}"
        out += "td:first-child,td:nth-child(2),th:first-child,th:nth-child(2){text-align:left}</style></head><body>\n"
        out += "<h1>Sluice status</h1>\n<p>\(HTMLText.escape(version)), up \(uptimeSeconds) s</p>\n"
        if let busyPoll {
            out += "<p>busy polling: \(busyPoll.windowMicroseconds) µs window, \(busyPoll.spins) spins, "
            out += "\(busyPoll.endedByEvent) ended by an event, \(busyPoll.polls) polls</p>\n"
        }
        out += "<table>\n<tr><th>group</th><th>backend</th><th>state</th><th>in flight</th><th>requests</th>"
        out += "<th>failures</th><th>latency ms</th></tr>\n"
        for row in backends {
            out += "<tr><td>\(HTMLText.escape(row.group))</td><td>\(HTMLText.escape(row.name))</td><td>\(row.state)</td>"
            out += "<td>\(row.inFlight)</td><td>\(row.requests)</td><td>\(row.failures)</td><td>\(latency(row))</td></tr>\n"
        }
        return out + "</table>\n</body></html>\n"
    }
}
