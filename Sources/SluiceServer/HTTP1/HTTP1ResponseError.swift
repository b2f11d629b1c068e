/// Why a backend's response could not be read. Every one of them is answered 502 (Bad Gateway)
/// before the head was passed on, or ends the client connection after (SPEC §4 "Failures"): once a
/// backend's framing is in doubt nothing it sends can be trusted, so the connection is closed.
///
/// A growable error (like NIO's `NIOHTTPDecoderError`): a private code with static factories, so new
/// reasons never break callers.
public struct HTTP1ResponseError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case invalidStatusLine
        case unsupportedVersion
        case invalidStatusCode
        case tooManyEmptyLines
        case headSectionTooLarge
        case tooManyHeaders
        case invalidHeaderName
        case invalidHeaderValue
        case obsoleteLineFolding
        case bareCarriageReturn
        case contentLengthWithTransferEncoding
        case invalidContentLength
        case multipleContentLength
        case unsupportedTransferCoding
        case invalidChunkSize
        case chunkLineTooLong
        case invalidChunkDelimiter
        case truncatedHead
        case truncatedBody
        case unsolicitedResponse
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// A short reason for the error log.
    public var reason: String {
        switch code {
        case .invalidStatusLine: return "malformed status line"
        case .unsupportedVersion: return "HTTP version other than 1.0 or 1.1"
        case .invalidStatusCode: return "status code outside 100-599"
        case .tooManyEmptyLines: return "too many empty lines before the status line"
        case .headSectionTooLarge: return "response head too large"
        case .tooManyHeaders: return "too many header fields"
        case .invalidHeaderName: return "header name is not a token (or space before colon)"
        case .invalidHeaderValue: return "control character in header value"
        case .obsoleteLineFolding: return "obsolete line folding in header"
        case .bareCarriageReturn: return "CR not followed by LF"
        case .contentLengthWithTransferEncoding: return "both Content-Length and Transfer-Encoding"
        case .invalidContentLength: return "malformed Content-Length"
        case .multipleContentLength: return "several Content-Length values"
        case .unsupportedTransferCoding: return "transfer coding other than a final chunked"
        case .invalidChunkSize: return "malformed chunk size"
        case .chunkLineTooLong: return "chunk-size line too long"
        case .invalidChunkDelimiter: return "chunk data not followed by CRLF"
        case .truncatedHead: return "connection closed inside the response head"
        case .truncatedBody: return "connection closed before the end of the body"
        case .unsolicitedResponse: return "bytes received while no response was expected"
        }
    }

    public var description: String { reason }

    public static let invalidStatusLine = Self(.invalidStatusLine)
    public static let unsupportedVersion = Self(.unsupportedVersion)
    public static let invalidStatusCode = Self(.invalidStatusCode)
    public static let tooManyEmptyLines = Self(.tooManyEmptyLines)
    public static let headSectionTooLarge = Self(.headSectionTooLarge)
    public static let tooManyHeaders = Self(.tooManyHeaders)
    public static let invalidHeaderName = Self(.invalidHeaderName)
    public static let invalidHeaderValue = Self(.invalidHeaderValue)
    public static let obsoleteLineFolding = Self(.obsoleteLineFolding)
    public static let bareCarriageReturn = Self(.bareCarriageReturn)
    public static let contentLengthWithTransferEncoding = Self(.contentLengthWithTransferEncoding)
    public static let invalidContentLength = Self(.invalidContentLength)
    public static let multipleContentLength = Self(.multipleContentLength)
    public static let unsupportedTransferCoding = Self(.unsupportedTransferCoding)
    public static let invalidChunkSize = Self(.invalidChunkSize)
    public static let chunkLineTooLong = Self(.chunkLineTooLong)
    public static let invalidChunkDelimiter = Self(.invalidChunkDelimiter)
    public static let truncatedHead = Self(.truncatedHead)
    public static let truncatedBody = Self(.truncatedBody)
    public static let unsolicitedResponse = Self(.unsolicitedResponse)
}
