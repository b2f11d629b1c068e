extension RewriteTemplate {
    /// Appends the substituted result to `output`, reading captures straight from the subject and the condition's
    /// bytes. With a reused `output` (cleared with `removeAll(keepingCapacity: true)`) this allocates nothing.
    ///
    /// `${qsa}` looks for a `?` only in what this call appended, as lighttpd does in its freshly cleared result.
    public func render(_ input: RewriteInput, into output: inout [UInt8]) {
        literals.withUnsafeBufferPointer { literals in
            parts.withUnsafeBufferPointer { parts in
                render(parts, literals, input, into: &output)
            }
        }
    }

    /// The loop of `render(_:into:)`, over buffers so that walking the parts costs no reference counting.
    private func render(
        _ parts: UnsafeBufferPointer<Part>, _ literals: UnsafeBufferPointer<UInt8>, _ input: RewriteInput,
        into output: inout [UInt8]
    ) {
        let start = output.count
        for part in parts {
            switch part {
            case .literal(let range):
                output.append(contentsOf: UnsafeBufferPointer(rebasing: literals[range]))
            case .ruleGroup(let group, let transform):
                // Groups at or past the match's count, and unset groups, substitute nothing (keyvalue.c).
                if let range = input.match[group: group], range.upperBound <= input.subject.count {
                    transform.append(UnsafeBufferPointer(rebasing: input.subject[range]), to: &output)
                }
            case .conditionGroup(let group, let transform):
                input.condition?.withBytes(ofGroup: group) { transform.append($0, to: &output) }
            case .scheme(let transform):
                transform.append(input.scheme, to: &output)
            case .authority(let transform):
                transform.append(input.authority, to: &output)
            case .authorityWithoutPort(let transform):
                transform.append(Self.withoutPort(input.authority), to: &output)
            case .port:
                Self.appendDecimal(input.port, to: &output)
            case .path(let transform):
                transform.append(RewriteInput.splitTarget(input.path).path, to: &output)
            case .query(let transform):
                if let query = input.query {
                    transform.append(query, to: &output)
                }
            case .appendQuery(let transform):
                guard let query = input.query else { break }
                if output[start...].contains(UInt8(ascii: "?")) {
                    if !query.isEmpty { output.append(UInt8(ascii: "&")) }
                } else {
                    output.append(UInt8(ascii: "?"))
                }
                transform.append(query, to: &output)
            }
        }
    }

    /// The substituted result as a new array (tests, config checks); the request path uses `render(_:into:)`.
    public func render(_ input: RewriteInput) -> [UInt8] {
        var output: [UInt8] = []
        render(input, into: &output)
        return output
    }

    /// `host:port` → `host`; `[v6]:port` → `[v6]`; `[v6]` and `host` unchanged (keyvalue.c: cut at the last `:`
    /// unless the authority ends in `]`).
    private static func withoutPort(_ authority: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard authority.last != UInt8(ascii: "]"), let colon = authority.lastIndex(of: UInt8(ascii: ":")) else {
            return authority
        }
        return UnsafeBufferPointer(rebasing: authority[..<colon])
    }

    private static func appendDecimal(_ value: UInt16, to output: inout [UInt8]) {
        var divisor: UInt16 = 10_000
        var remaining = value
        var started = false
        while divisor > 0 {
            let digit = remaining / divisor
            remaining %= divisor
            if digit > 0 || started || divisor == 1 {
                output.append(UInt8(ascii: "0") + UInt8(digit))
                started = true
            }
            divisor /= 10
        }
    }
}
