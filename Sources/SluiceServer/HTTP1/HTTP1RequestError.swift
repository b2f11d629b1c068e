import NIOHTTP1

/// Why a client's request was refused, with the status to answer it with.
///
/// A growable error (like NIO's `NIOHTTPDecoderError`): a private code with static factories, so new
/// reasons never break callers. Every one of them ends the connection: once framing is in doubt the
/// bytes that follow cannot be trusted to start a request (RFC 9112 §6.3, §11.2), so the parser stops.
public struct HTTP1RequestError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case invalidRequestLine
        case invalidMethod
        case invalidTarget
        case targetFormNotAllowed
        case invalidVersion
        case http09Request
        case unsupportedVersion
        case tooManyEmptyLines
        case requestLineTooLong
        case headerSectionTooLarge
        case tooManyHeaders
        case invalidHeaderName
        case invalidHeaderValue
        case obsoleteLineFolding
        case bareCarriageReturn
        case missingHost
        case multipleHost
        case invalidHost
        case contentLengthWithTransferEncoding
        case invalidContentLength
        case multipleContentLength
        case unsupportedTransferCoding
        case invalidTransferEncoding
        case transferEncodingInHTTP10
        case invalidChunkSize
        case chunkLineTooLong
        case invalidChunkDelimiter
        case bodyTooLarge
        case truncatedBody
        case bodyNotAllowed
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The status the client is answered with.
    public var status: HTTPResponseStatus {
        switch code {
        case .requestLineTooLong:
            return .uriTooLong
        case .headerSectionTooLarge, .tooManyHeaders:
            return .requestHeaderFieldsTooLarge
        case .bodyTooLarge:
            return .payloadTooLarge
        case .unsupportedTransferCoding:
            return .notImplemented
        case .unsupportedVersion:
            return .httpVersionNotSupported
        default:
            return .badRequest
        }
    }

    /// Always true: the parser stops at the first error, so the connection must be closed after the
    /// answer (with `Connection: close`). Kept as a property so callers do not hard-code the policy.
    public var closesConnection: Bool { true }

    /// A short reason for the error log (never sent to the client: it could echo attacker bytes).
    public var reason: String {
        switch code {
        case .invalidRequestLine: return "malformed request line"
        case .invalidMethod: return "method is not a token"
        case .invalidTarget: return "invalid character or syntax in request-target"
        case .targetFormNotAllowed: return "request-target form not allowed for this method"
        case .invalidVersion: return "malformed HTTP version"
        case .http09Request: return "HTTP/0.9 request (no version)"
        case .unsupportedVersion: return "HTTP version not supported"
        case .tooManyEmptyLines: return "too many empty lines before the request line"
        case .requestLineTooLong: return "request line longer than server.max-request-field-size"
        case .headerSectionTooLarge: return "request head larger than server.max-request-field-size"
        case .tooManyHeaders: return "too many header fields"
        case .invalidHeaderName: return "header name is not a token (or space before colon)"
        case .invalidHeaderValue: return "control character or invalid UTF-8 in header value"
        case .obsoleteLineFolding: return "obsolete line folding in header"
        case .bareCarriageReturn: return "CR not followed by LF"
        case .missingHost: return "HTTP/1.1 request without Host"
        case .multipleHost: return "several Host headers"
        case .invalidHost: return "invalid Host"
        case .contentLengthWithTransferEncoding: return "both Content-Length and Transfer-Encoding"
        case .invalidContentLength: return "malformed Content-Length"
        case .multipleContentLength: return "several Content-Length values"
        case .unsupportedTransferCoding: return "transfer coding other than a final chunked"
        case .invalidTransferEncoding: return "malformed Transfer-Encoding"
        case .transferEncodingInHTTP10: return "Transfer-Encoding in an HTTP/1.0 request"
        case .invalidChunkSize: return "malformed chunk size"
        case .chunkLineTooLong: return "chunk-size line too long"
        case .invalidChunkDelimiter: return "chunk data not followed by CRLF"
        case .bodyTooLarge: return "body larger than server.max-request-size"
        case .truncatedBody: return "connection closed before the end of the body"
        case .bodyNotAllowed: return "CONNECT request with a body"
        }
    }

    public var description: String { "\(status.code) \(reason)" }

    public static let invalidRequestLine = Self(.invalidRequestLine)
    public static let invalidMethod = Self(.invalidMethod)
    public static let invalidTarget = Self(.invalidTarget)
    public static let targetFormNotAllowed = Self(.targetFormNotAllowed)
    public static let invalidVersion = Self(.invalidVersion)
    public static let http09Request = Self(.http09Request)
    public static let unsupportedVersion = Self(.unsupportedVersion)
    public static let tooManyEmptyLines = Self(.tooManyEmptyLines)
    public static let requestLineTooLong = Self(.requestLineTooLong)
    public static let headerSectionTooLarge = Self(.headerSectionTooLarge)
    public static let tooManyHeaders = Self(.tooManyHeaders)
    public static let invalidHeaderName = Self(.invalidHeaderName)
    public static let invalidHeaderValue = Self(.invalidHeaderValue)
    public static let obsoleteLineFolding = Self(.obsoleteLineFolding)
    public static let bareCarriageReturn = Self(.bareCarriageReturn)
    public static let missingHost = Self(.missingHost)
    public static let multipleHost = Self(.multipleHost)
    public static let invalidHost = Self(.invalidHost)
    public static let contentLengthWithTransferEncoding = Self(.contentLengthWithTransferEncoding)
    public static let invalidContentLength = Self(.invalidContentLength)
    public static let multipleContentLength = Self(.multipleContentLength)
    public static let unsupportedTransferCoding = Self(.unsupportedTransferCoding)
    public static let invalidTransferEncoding = Self(.invalidTransferEncoding)
    public static let transferEncodingInHTTP10 = Self(.transferEncodingInHTTP10)
    public static let invalidChunkSize = Self(.invalidChunkSize)
    public static let chunkLineTooLong = Self(.chunkLineTooLong)
    public static let invalidChunkDelimiter = Self(.invalidChunkDelimiter)
    public static let bodyTooLarge = Self(.bodyTooLarge)
    public static let truncatedBody = Self(.truncatedBody)
    public static let bodyNotAllowed = Self(.bodyNotAllowed)
}
