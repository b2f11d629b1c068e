#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// Finds the epoll descriptor an event loop waits on (Linux), for `BusyPoller`: NIO does not publish it, so
/// the probe hands the loop one end of a fresh pipe, which NIO adds to its epoll set, and looks for that
/// descriptor among the targets the kernel lists in `/proc/self/fdinfo/N` for each epoll descriptor `N` of
/// the process (lines `tfd: FD events: ...`). Exactly one must match; anything else is "not found".
enum EpollDescriptorProbe {
    typealias ProbeError = BusyPoller.AttachError

    static func descriptor(of loop: EventLoop) async throws(ProbeError) -> CInt {
        #if os(Linux)
        var ends: [CInt] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw ProbeError(description: "pipe failed (errno \(errno))")
        }
        defer { close(ends[1]) }
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        let channel: Channel
        do {
            channel = try await NIOPipeBootstrap(group: loop).takingOwnershipOfDescriptor(input: ends[0]).get()
        } catch {
            close(ends[0])
            throw ProbeError(description: "cannot register a pipe with the event loop: \(error)")
        }
        let matches = epollDescriptors().filter { targets(ofEpoll: $0).contains(ends[0]) }
        try? await channel.close()
        guard matches.count == 1 else {
            throw ProbeError(description: "found \(matches.count) epoll descriptors watching the probe pipe, expected 1")
        }
        return matches[0]
        #else
        throw ProbeError(description: "needs Linux epoll")
        #endif
    }

    #if os(Linux)
    /// The process's descriptors that are epoll instances.
    static func epollDescriptors() -> [CInt] {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        var found: [CInt] = []
        var link = [CChar](repeating: 0, count: 64)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let descriptor = CInt(name) else { continue }
            let length = readlink("/proc/self/fd/\(name)", &link, link.count)
            guard length > 0 else { continue }
            let target = link.prefix(length).withUnsafeBufferPointer { String(decoding: UnsafeRawBufferPointer($0), as: UTF8.self) }
            if target == "anon_inode:[eventpoll]" { found.append(descriptor) }
        }
        return found
    }

    /// The descriptors an epoll instance watches, from its fdinfo (`tfd:` lines).
    static func targets(ofEpoll descriptor: CInt) -> [CInt] {
        let fd = open("/proc/self/fdinfo/\(descriptor)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { break }
            text += chunk.prefix(count)
        }
        return parseTargets(fdinfo: String(decoding: text, as: UTF8.self))
    }
    #endif

    /// `tfd:` numbers of an epoll fdinfo text, in order.
    static func parseTargets(fdinfo: String) -> [CInt] {
        fdinfo.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "tfd:" else { return nil }
            return CInt(fields[1])
        }
    }
}
