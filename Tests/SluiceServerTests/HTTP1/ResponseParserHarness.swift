import NIOCore
import NIOHTTP1
@testable import SluiceServer

/// What a response parser run produced, in a form tables can spell out: heads rendered as one line,
/// consecutive body slices joined (the split does not matter, the bytes do).
enum ResponseStep: Equatable, Sendable, CustomStringConvertible {
    /// `HTTP/x.y CODE [Name: value]...`
    case head(String)
    case body(String)
    /// Trailers rendered like head fields, or nil when there were none.
    case end(String?)
    case error(HTTP1ResponseError)
    /// The parser stopped after a 101.
    case switched

    var description: String {
        switch self {
        case .head(let text): return "head(\(text))"
        case .body(let text): return "body(\(text.debugDescription))"
        case .end(let trailers): return "end(\(trailers ?? "nil"))"
        case .error(let error): return "error(\(error))"
        case .switched: return "switched"
        }
    }

    static func render(_ head: UpstreamResponseHead) -> String {
        let fields = Step.render(head.headers)
        let line = "HTTP/\(head.version.major).\(head.version.minor) \(head.status.code)"
        return fields.isEmpty ? line : line + " " + fields
    }
}

/// Runs a response parser over `pieces` fed one after the other, having sent requests with
/// `methods`; then optionally signals end of input. Returns the steps and the bytes left unconsumed.
func runResponseParser(
    _ pieces: [[UInt8]],
    methods: [HTTPMethod] = [.GET],
    limits: HTTP1ResponseParser.Limits = .init(),
    endOfInput: Bool = false
) -> (steps: [ResponseStep], leftover: [UInt8]) {
    var parser = HTTP1ResponseParser(limits: limits)
    for method in methods { parser.expectResponse(to: method) }
    var buffer = ByteBuffer()
    var steps: [ResponseStep] = []
    func record(_ event: HTTP1ResponseParser.Event) {
        switch event {
        case .head(let head):
            steps.append(.head(ResponseStep.render(head)))
        case .body(var bytes):
            let text = bytes.readString(length: bytes.readableBytes) ?? "<binary>"
            if case .body(let sofar)? = steps.last {
                steps[steps.count - 1] = .body(sofar + text)
            } else {
                steps.append(.body(text))
            }
        case .end(let trailers):
            steps.append(.end(trailers.map(Step.render)))
        case .error(let error):
            steps.append(.error(error))
        }
    }
    for piece in pieces {
        buffer.writeBytes(piece)
        while let event = parser.next(from: &buffer) { record(event) }
    }
    if parser.hasSwitchedProtocols { steps.append(.switched) }
    if endOfInput, let event = parser.inputEnded(unconsumed: buffer.readableBytes) { record(event) }
    return (steps, buffer.readableBytesView.map { $0 })
}
