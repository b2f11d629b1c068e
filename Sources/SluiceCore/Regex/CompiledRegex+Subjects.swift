/// Conveniences for the subject types Sluice has at hand: NIO hands over the request target as a `String`
/// (native, so its UTF-8 is contiguous and matching copies nothing), tests and buffers use byte arrays.
/// Offsets in the returned `RegexMatch` are always relative to the first byte of the subject given.
extension CompiledRegex {
    /// Matches the UTF-8 bytes of `subject` without converting or copying them when the string is native.
    public func firstMatch(in subject: String) -> RegexMatch? {
        try? match(in: subject)
    }

    /// Throwing form of `firstMatch(in:)` for a `String` subject, see `match(in:)`.
    public func match(in subject: String) throws(RegexMatchError) -> RegexMatch? {
        let result = subject.utf8.withContiguousStorageIfAvailable { bytes in
            Result { () throws(RegexMatchError) in try match(in: bytes) }
        }
        if let result {
            return try result.get()
        }
        // Bridged or otherwise non-contiguous strings: make a contiguous copy once.
        var copy = subject
        return try copy.withUTF8 { bytes in Result { () throws(RegexMatchError) in try match(in: bytes) } }.get()
    }

    /// Matches a byte array; offsets are array indices.
    public func firstMatch(in subject: [UInt8]) -> RegexMatch? {
        subject.withUnsafeBufferPointer { firstMatch(in: $0) }
    }

    /// Matches a slice; offsets are relative to `subject.startIndex` (0 is the slice's first byte).
    public func firstMatch(in subject: ArraySlice<UInt8>) -> RegexMatch? {
        subject.withUnsafeBufferPointer { firstMatch(in: $0) }
    }

    /// Matches and keeps the captured bytes (for a condition whose `%n` is used after the subject is gone).
    public func captures(in subject: String) -> Captures? {
        var copy = subject
        return copy.withUTF8 { bytes in
            firstMatch(in: bytes).map { Captures($0, in: bytes) }
        }
    }

    /// Matches and keeps the captured bytes, see `captures(in:)` for a `String`.
    public func captures(in subject: UnsafeBufferPointer<UInt8>) -> Captures? {
        firstMatch(in: subject).map { Captures($0, in: subject) }
    }
}
