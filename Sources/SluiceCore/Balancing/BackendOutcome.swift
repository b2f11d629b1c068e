/// How a request to a backend ended, as the proxy reports it on `BackendTicket.finish`.
public enum BackendOutcome: Sendable, Equatable {
    /// A complete answer (any HTTP status: a 404 is the application's answer, not a backend failure).
    case success
    /// Connecting failed (refused, unreachable, connect timeout): the backend is skipped for `disable-time` and
    /// the request may go to another backend.
    case connectFailure
    /// Connected, then failed: malformed response (502), timeout (504), reset mid-response. Counts as a failure;
    /// the time taken may raise the latency estimate but never lowers it.
    case failure
    /// Ended for reasons that say nothing about the backend (the client went away, the request was refused
    /// before sending). Only releases the in-flight slot.
    case abandoned
}
