import Synchronization

/// Where a scan over the backends starts so that equal candidates are taken in turn: just after the backend chosen
/// last. lighttpd's `sqf` sends every tie to the first listed backend, which piles the start of every burst onto
/// it; starting after the previous choice rotates ties, and (unlike a start that merely advances by one per
/// decision) stays fair when a backend is down: with B down, idle A, B, C give A, C, A, C rather than A, C, C.
///
/// A plain load and store: two event loops deciding at the same instant may start at the same place, which only
/// means both see the same tie (and the in-flight counts then differ).
final class TieBreakCursor: Sendable {
    private let lastChosen = Atomic<Int>(-1)

    /// The index to start scanning from, in `0..<count` (`count` > 0).
    func start(count: Int) -> Int {
        let next = lastChosen.load(ordering: .relaxed) + 1
        return next >= 0 && next < count ? next : 0
    }

    /// Records the backend just chosen.
    func chose(_ index: Int) {
        lastChosen.store(index, ordering: .relaxed)
    }
}
