import NIOCore
import NIOHTTP1
import SluiceServer

/// What a parser run produced, in a form tables can spell out: heads rendered as one line,
/// consecutive body slices joined (the split does not matter, the bytes do).
enum Step: Equatable, Sendable, CustomStringConvertible {
    /// `METHOD URI HTTP/x.y [Name: value][Name: value]`
    case head(String)
    case body(String)
    /// Trailers rendered like head fields, or nil when there were none.
    case end(String?)
    case error(HTTP1RequestError)
    /// The parser stopped after a request asking to switch protocols.
    case paused

    var description: String {
        switch self {
        case .head(let text): return "head(\(text))"
        case .body(let text): return "body(\(text.debugDescription))"
        case .end(let trailers): return "end(\(trailers ?? "nil"))"
        case .error(let error): return "error(\(error))"
        case .paused: return "paused"
        }
    }

    static func render(_ headers: HTTPHeaders) -> String {
        headers.map { "[\($0.name): \($0.value)]" }.joined()
    }

    static func render(_ head: HTTPRequestHead) -> String {
        let fields = render(head.headers)
        let line = "\(head.method.rawValue) \(head.uri) HTTP/\(head.version.major).\(head.version.minor)"
        return fields.isEmpty ? line : line + " " + fields
    }
}

/// Runs a parser over `pieces` fed one after the other, then optionally signals end of input.
/// Returns the steps and the bytes left unconsumed in the buffer.
func runParser(
    _ pieces: [[UInt8]],
    limits: HTTP1RequestLimits = .init(),
    endOfInput: Bool = false
) -> (steps: [Step], leftover: [UInt8]) {
    var parser = HTTP1RequestParser(limits: limits)
    var buffer = ByteBuffer()
    var steps: [Step] = []
    func record(_ step: Step) {
        if case .body(let more) = step, case .body(let sofar)? = steps.last {
            steps[steps.count - 1] = .body(sofar + more)
        } else {
            steps.append(step)
        }
    }
    for piece in pieces {
        buffer.writeBytes(piece)
        while let event = parser.next(from: &buffer) {
            switch event {
            case .head(let head): record(.head(Step.render(head)))
            case .body(var bytes): record(.body(bytes.readString(length: bytes.readableBytes) ?? "<binary>"))
            case .end(let trailers): record(.end(trailers.map(Step.render)))
            case .error(let error): record(.error(error))
            }
        }
    }
    if parser.isPausedForUpgrade { record(.paused) }
    if endOfInput, let error = parser.inputEnded() { record(.error(error)) }
    return (steps, buffer.readableBytesView.map { $0 })
}

func runParser(_ text: String, limits: HTTP1RequestLimits = .init(), endOfInput: Bool = false) -> [Step] {
    runParser([Array(text.utf8)], limits: limits, endOfInput: endOfInput).steps
}

/// Whether `slice`'s bytes lie inside `buffer`'s storage: a body part handed out without a copy.
func isSlice(_ slice: ByteBuffer, of buffer: ByteBuffer) -> Bool {
    slice.withUnsafeReadableBytes { sliceBytes in
        buffer.withVeryUnsafeBytes { all in
            sliceBytes.baseAddress! >= all.baseAddress! && sliceBytes.baseAddress! < all.baseAddress! + all.count
        }
    }
}
