import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import SluiceCore

/// A response body made of in-memory pieces and file regions (a whole file, one range, or the parts of a
/// `multipart/byteranges` answer).
enum FileBodySegment {
    case bytes([UInt8])
    case file(offset: Int64, count: Int64)
}

extension StaticResponsePlan.Body {
    var segments: [FileBodySegment] {
        switch self {
        case .none:
            return []
        case .whole(let length):
            return [.file(offset: 0, count: length)]
        case .range(let range):
            return [.file(offset: range.first, count: range.count)]
        case .multipart(let multipart):
            var segments: [FileBodySegment] = []
            for part in multipart.parts {
                segments.append(.bytes(part.header))
                segments.append(.file(offset: part.range.first, count: part.range.count))
            }
            segments.append(.bytes(multipart.trailer))
            return segments
        }
    }
}

/// Writes file segments by reading them into buffers, only while the channel is writable. Used where
/// `sendfile` cannot be (TLS connections), so a large file never sits in memory: at most one chunk is in
/// flight beyond the channel's high-water mark.
final class FileBodyWriter {
    /// Bytes read per write.
    static let chunkSize = 64 * 1024

    private let descriptor: Int32
    private var segments: [FileBodySegment]
    private var position = 0
    private var fileOffset: Int64 = 0
    private var remainingInSegment: Int64 = 0
    private let done: (ChannelHandlerContext, Bool) -> Void
    private var finished = false

    /// `done(context, success)` runs once, after the last chunk is written or when reading fails.
    init(descriptor: Int32, segments: [FileBodySegment], done: @escaping (ChannelHandlerContext, Bool) -> Void) {
        self.descriptor = descriptor
        self.segments = segments
        self.done = done
        loadSegment()
    }

    private func loadSegment() {
        guard position < segments.count, case .file(let offset, let count) = segments[position] else { return }
        fileOffset = offset
        remainingInSegment = count
    }

    /// Writes as much as the channel accepts; call again when it becomes writable.
    func resume(context: ChannelHandlerContext) {
        while !finished && context.channel.isWritable {
            guard position < segments.count else {
                complete(context: context, success: true)
                return
            }
            switch segments[position] {
            case .bytes(let bytes):
                context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
                position += 1
                loadSegment()
            case .file:
                if remainingInSegment == 0 {
                    position += 1
                    loadSegment()
                    continue
                }
                let want = Int(min(Int64(FileBodyWriter.chunkSize), remainingInSegment))
                var buffer = context.channel.allocator.buffer(capacity: want)
                let n = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { raw in
                    let got = pread(descriptor, raw.baseAddress, want, off_t(fileOffset))
                    return max(got, 0)
                }
                guard n > 0 else {
                    // The file shrank or cannot be read: the response cannot be completed honestly.
                    complete(context: context, success: false)
                    return
                }
                fileOffset += Int64(n)
                remainingInSegment -= Int64(n)
                context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
            }
        }
        context.flush()
    }

    private func complete(context: ChannelHandlerContext, success: Bool) {
        guard !finished else { return }
        finished = true
        Glibc.close(descriptor)
        done(context, success)
    }

    /// The connection went away: release the file.
    func abandon() {
        guard !finished else { return }
        finished = true
        Glibc.close(descriptor)
    }
}
