import Synchronization

/// The runtime new connections use. A reload (SIGHUP) swaps it; connections already open keep theirs.
/// Read once per accepted connection, never per request.
public final class RuntimeHolder: Sendable {
    private let box: Mutex<SiteRuntime>

    public init(_ runtime: SiteRuntime) {
        box = Mutex(runtime)
    }

    public var current: SiteRuntime { box.withLock { $0 } }

    public func replace(with runtime: SiteRuntime) {
        box.withLock { $0 = runtime }
    }
}
