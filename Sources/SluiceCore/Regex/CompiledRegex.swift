import CPCRE2

/// A PCRE2 regex compiled once at config load and matched on raw bytes on every request.
///
/// lighttpd matches `url.rewrite*`, `url.redirect` and `$HTTP[...] =~` patterns with PCRE2 (keyvalue.c,
/// data_config.c). Sluice does the same, but compiles without `PCRE2_UTF`: subjects are request bytes that need
/// not be valid UTF-8, and in byte mode PCRE2 never rejects a subject, it just matches bytes. Patterns are
/// JIT-compiled when the platform supports it (about 2× faster than the interpreter, see measured-notes.md §1);
/// otherwise the interpreter runs the same code.
///
/// Matching has search semantics like `pcre2_match` in lighttpd: unanchored unless the pattern anchors itself.
///
/// `@unchecked Sendable` is safe because the only state is the `pcre2_code` pointer, which is never written after
/// `init` (compile + JIT) and is freed only in `deinit`, when no other reference exists. PCRE2 documents compiled
/// code as shareable between threads; the per-match scratch state (match data) is per thread, see
/// `MatchDataCache`.
public final class CompiledRegex: @unchecked Sendable {
    /// The pattern as written in the config.
    public let pattern: String
    /// Number of capture groups in the pattern (group 0, the whole match, not counted).
    public let captureCount: Int
    /// Whether the JIT compiled the pattern (false on platforms without JIT support: the interpreter is used).
    public let isJITCompiled: Bool

    private let code: OpaquePointer

    /// Compiles `pattern` (byte mode, no `PCRE2_UTF`), then JIT-compiles it where possible.
    /// - Throws: `RegexError` with PCRE2's message and the byte offset into `pattern` where it failed.
    public init(_ pattern: String, caseInsensitive: Bool = false) throws(RegexError) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let options: UInt32 = caseInsensitive ? PCRE2_CASELESS : 0
        var utf8 = pattern
        let compiled = utf8.withUTF8 { bytes in
            withNonNullPointer(bytes) { start in
                pcre2_compile_8(start, bytes.count, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw RegexError.compile(errorCode: errorCode, offset: errorOffset)
        }
        self.code = compiled
        self.pattern = pattern
        // PCRE2_ERROR_JIT_BADOPTION means "no JIT on this platform": the interpreter still works, as lighttpd
        // does; any other JIT failure (e.g. no executable memory) likewise just leaves the interpreter in use.
        self.isJITCompiled = pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE) == 0
        var groups: UInt32 = 0
        _ = pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &groups)
        self.captureCount = Int(groups)
    }

    deinit {
        pcre2_code_free_8(code)
    }

    /// The first match in `subject` (search semantics), with byte offsets relative to `subject`.
    /// - Throws: `RegexMatchError` when PCRE2 fails rather than not matching (match/depth limit, JIT stack), or
    ///   for a subject of 4 GiB or more.
    /// - Returns: nil when the pattern does not match.
    public func match(in subject: UnsafeBufferPointer<UInt8>) throws(RegexMatchError) -> RegexMatch? {
        guard subject.count <= RegexMatch.maxSubjectLength else { throw .subjectTooLong }
        if let matchData = MatchDataCache.threadBlock() {
            return try match(in: subject, using: matchData)
        }
        let outcome = MatchDataCache.withTemporaryMatchData { matchData in
            Result { () throws(RegexMatchError) in try match(in: subject, using: matchData) }
        }
        guard let outcome else { throw .outOfMemory }
        return try outcome.get()
    }

    /// The first match in `subject`, or nil when there is none or PCRE2 failed (see `match(in:)` to tell these
    /// apart). Allocates nothing.
    public func firstMatch(in subject: UnsafeBufferPointer<UInt8>) -> RegexMatch? {
        do {
            return try match(in: subject)
        } catch {
            return nil
        }
    }

    @inline(__always)
    private func match(
        in subject: UnsafeBufferPointer<UInt8>, using matchData: OpaquePointer
    ) throws(RegexMatchError) -> RegexMatch? {
        let status = withNonNullPointer(subject) { start in
            // pcre2_jit_match skips pcre2_match's argument checks (all arguments here are ours and valid) and
            // is only allowed on JIT-compiled code; the interpreter needs pcre2_match.
            isJITCompiled
                ? pcre2_jit_match_8(code, start, subject.count, 0, 0, matchData, nil)
                : pcre2_match_8(code, start, subject.count, 0, 0, matchData, nil)
        }
        if status == PCRE2_ERROR_NOMATCH {
            return nil
        }
        if status < 0 {
            throw .pcre2(status)
        }
        // 0 means the ovector was too small: every pair it holds is in use.
        let pairs = status == 0 ? Int(pcre2_get_ovector_count_8(matchData)) : Int(status)
        return RegexMatch(ovector: pcre2_get_ovector_pointer_8(matchData), pairCount: pairs)
    }

    /// Whether the pattern matches anywhere in `subject` (a failed match counts as no).
    public func matches(_ subject: UnsafeBufferPointer<UInt8>) -> Bool {
        firstMatch(in: subject) != nil
    }
}

/// PCRE2 10.42 rejects a NULL pattern or subject even with length 0 (PCRE2_ERROR_NULL), and an empty Swift
/// buffer may have no base address: hand PCRE2 a real, empty location instead.
@inline(__always)
private func withNonNullPointer<Result>(
    _ subject: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<UInt8>) -> Result
) -> Result {
    if let start = subject.baseAddress {
        return body(start)
    }
    var empty: UInt8 = 0
    return withUnsafePointer(to: &empty, body)
}
