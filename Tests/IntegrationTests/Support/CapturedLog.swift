import Logging
import Synchronization

/// An error log kept in memory, for tests that check what Sluice reported (`TestSluice.with(errorLog:)`).
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger writing here, every level kept, each line as `LEVEL: message`.
    var logger: Logger {
        Logger(label: "test") { _ in Handler(log: self) }
    }

    var messages: [String] { lines.withLock { $0 } }

    /// The lines containing `text`.
    func messages(containing text: String) -> [String] {
        messages.filter { $0.contains(text) }
    }

    private func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            log.append("\(event.level): \(event.message)")
        }
    }
}

/// Polls `condition` every `interval` until it holds or `limit` has passed; whether it held. For state that
/// Sluice reaches in the background (a health check's verdict), never for timing claims. The limit only stops a
/// hang: on a loaded CI machine events come seconds late, so keep it at 30 s or more.
func eventually(
    within limit: Duration = .seconds(30), every interval: Duration = .milliseconds(50),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: limit)
    while true {
        if try await condition() { return true }
        if clock.now >= deadline { return false }
        try await Task.sleep(for: interval)
    }
}
