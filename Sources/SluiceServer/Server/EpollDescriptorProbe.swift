#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import NIOCore
import NIOPosix

/// Finds the epoll descriptor an event loop waits on (Linux), for `BusyPoller`: NIO does not publish it, so
/// the probe hands the loop one end of a fresh socket pair, which NIO adds to its epoll set, and looks for
/// that descriptor among the targets the kernel lists in `/proc/self/fdinfo/N` for each epoll descriptor `N`
/// of the process (lines `tfd: FD events: ... ino: INODE ...`). A match needs the inode too: an epoll
/// descriptor inherited from a parent process lists the parent's files under the parent's numbers, which can
/// be ours. Exactly one must match; anything else is "not found".
enum EpollDescriptorProbe {
    typealias ProbeError = BusyPoller.AttachError

    static func descriptor(of loop: EventLoop) async throws(ProbeError) -> CInt {
        #if os(Linux)
        var ends: [CInt] = [-1, -1]
        // Close-on-exec from the start: a process spawned meanwhile must not inherit either end.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw ProbeError(description: "socketpair failed (errno \(errno))")
        }
        defer { close(ends[1]) }
        var status = stat()
        guard fstat(ends[0], &status) == 0 else {
            close(ends[0])
            throw ProbeError(description: "fstat failed (errno \(errno))")
        }
        let probe = Target(descriptor: ends[0], inode: UInt64(status.st_ino))
        let channel: Channel
        do {
            channel = try await ClientBootstrap(group: loop).withConnectedSocket(ends[0]).get()
        } catch {
            // NIO owns ends[0] from here on and closes it on its error paths; closing it again could close a
            // descriptor another thread has just been given.
            throw ProbeError(description: "cannot register a socket with the event loop: \(error)")
        }
        let matches = epollDescriptors().filter { targets(ofEpoll: $0).contains(probe) }
        try? await channel.close()
        guard matches.count == 1 else {
            throw ProbeError(description: "found \(matches.count) epoll descriptors watching the probe socket, expected 1")
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

    /// The files an epoll instance watches, from its fdinfo.
    static func targets(ofEpoll descriptor: CInt) -> [Target] {
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

    /// One watched file: the descriptor number it was added under and its inode.
    struct Target: Hashable {
        var descriptor: CInt
        var inode: UInt64
    }

    /// The targets of an epoll fdinfo text, in order: lines
    /// `tfd: FD events: HEX data: HEX  pos:N ino:HEX sdev:HEX` (Linux `fs/eventpoll.c`).
    static func parseTargets(fdinfo: String) -> [Target] {
        fdinfo.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "tfd:", let descriptor = CInt(fields[1]),
                let ino = fields.first(where: { $0.hasPrefix("ino:") }), let inode = UInt64(ino.dropFirst(4), radix: 16)
            else { return nil }
            return Target(descriptor: descriptor, inode: inode)
        }
    }
}
