import CPCRE2

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One PCRE2 match-data block per thread, so matching allocates nothing and needs no lock.
///
/// PCRE2 compiled code is read-only after `pcre2_jit_compile` and may be shared, but a match-data block is
/// written by every match (pcre2api(3), "Multithreading"). Each thread therefore lazily creates its own block,
/// kept in a pthread thread-specific slot whose destructor frees it when the thread exits. The block has room
/// for `pairCapacity` pairs, more than any group a substitution can name; if a pattern has more groups PCRE2
/// still matches and fills the first pairs (returning 0, which callers read as "all pairs used").
///
/// Matching is synchronous and installs no callouts, so a thread never uses its block for two matches at once.
enum MatchDataCache {
    /// Pairs in each per-thread block (lighttpd keeps one shared block of 20 pairs; a little headroom costs
    /// nothing). Must be at least `RegexMatch.maxGroups`: `RegexMatch` reads that many pairs unconditionally.
    static let pairCapacity: UInt32 = 32

    /// The pthread key, created once. nil only if the process ran out of thread-specific keys, in which case
    /// matching falls back to a block per call rather than failing.
    private static let key: pthread_key_t? = {
        assert(Int(pairCapacity) >= RegexMatch.maxGroups, "RegexMatch reads maxGroups pairs from every ovector")
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { block in
            pcre2_match_data_free_8(OpaquePointer(block))
        }
        return status == 0 ? key : nil
    }()

    /// This thread's match-data block, created on first use; nil if it could not be created or stored (then
    /// the caller uses a temporary block, see `withTemporaryMatchData`).
    @inline(__always)
    static func threadBlock() -> OpaquePointer? {
        guard let key else { return nil }
        if let existing = pthread_getspecific(key) {
            return OpaquePointer(existing)
        }
        return createThreadBlock(key: key)
    }

    private static func createThreadBlock(key: pthread_key_t) -> OpaquePointer? {
        guard let created = pcre2_match_data_create_8(pairCapacity, nil) else { return nil }
        guard pthread_setspecific(key, UnsafeRawPointer(created)) == 0 else {
            pcre2_match_data_free_8(created)
            return nil
        }
        return created
    }

    /// Runs `body` with a block made for this call only, or returns nil when none can be allocated.
    static func withTemporaryMatchData<Result>(_ body: (OpaquePointer) -> Result) -> Result? {
        guard let temporary = pcre2_match_data_create_8(pairCapacity, nil) else { return nil }
        defer { pcre2_match_data_free_8(temporary) }
        return body(temporary)
    }
}
