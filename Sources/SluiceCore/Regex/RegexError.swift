import CPCRE2

/// A pattern PCRE2 refused to compile.
///
/// `offset` is the byte offset into the pattern's UTF-8 that PCRE2 reports (where it gave up), so the config
/// layer can turn it into a column of the string literal, as lighttpd's "pcre2_compile: … at offset N" does.
public struct RegexError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case compile(Int32)
    }

    private let code: Code
    /// PCRE2's own wording, e.g. "missing closing parenthesis".
    public let message: String
    /// Byte offset into the pattern where the error was detected.
    public let offset: Int

    private init(code: Code, message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// PCRE2 rejected the pattern with `errorCode` at `offset`.
    static func compile(errorCode: Int32, offset: Int) -> RegexError {
        RegexError(code: .compile(errorCode), message: pcre2Message(for: errorCode), offset: offset)
    }

    public var description: String {
        "\(message) at offset \(offset)"
    }
}

/// PCRE2 failed while matching (match limit, depth limit, JIT stack exhausted, out of memory), as opposed to
/// simply not matching. lighttpd answers such a failure in mod_rewrite/mod_redirect with a 500 rather than
/// moving on to the next rule; callers that want that behaviour use `CompiledRegex.match(in:)`.
public struct RegexMatchError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case pcre2(Int32)
        case subjectTooLong
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// PCRE2 returned `errorCode` from `pcre2_match`.
    static func pcre2(_ errorCode: Int32) -> RegexMatchError {
        RegexMatchError(.pcre2(errorCode))
    }

    /// No per-thread or per-call match data could be allocated.
    static let outOfMemory = RegexMatchError(.pcre2(PCRE2_ERROR_NOMEMORY))

    /// The subject is longer than `RegexMatch` offsets can describe (4 GiB).
    static let subjectTooLong = RegexMatchError(.subjectTooLong)

    /// PCRE2's own wording, e.g. "match limit exceeded".
    public var message: String {
        switch code {
        case .pcre2(let errorCode): return pcre2Message(for: errorCode)
        case .subjectTooLong: return "subject of 4 GiB or more"
        }
    }

    public var description: String { message }
}

/// `pcre2_get_error_message` into a String (error paths only, so the allocation does not matter).
private func pcre2Message(for errorCode: Int32) -> String {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { buffer in
        let length = pcre2_get_error_message_8(errorCode, buffer.baseAddress, buffer.count)
        guard length > 0 else { return "PCRE2 error \(errorCode)" }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<Int(length)]), as: UTF8.self)
    }
}
