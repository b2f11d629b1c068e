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

    public var version: String
    public var uptimeSeconds: Int
    public var backends: [BackendRow]

    public init(version: String, uptimeSeconds: Int, backends: [BackendRow]) {
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.backends = backends
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
        return "{\"version\": \"\(JSONText.escape(version))\", \"uptimeSeconds\": \(uptimeSeconds), \"backends\": [\n  "
            + rows.joined(separator: ",\n  ") + "\n]}\n"
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
        out += "<table>\n<tr><th>group</th><th>backend</th><th>state</th><th>in flight</th><th>requests</th>"
        out += "<th>failures</th><th>latency ms</th></tr>\n"
        for row in backends {
            out += "<tr><td>\(HTMLText.escape(row.group))</td><td>\(HTMLText.escape(row.name))</td><td>\(row.state)</td>"
            out += "<td>\(row.inFlight)</td><td>\(row.requests)</td><td>\(row.failures)</td><td>\(latency(row))</td></tr>\n"
        }
        return out + "</table>\n</body></html>\n"
    }
}
