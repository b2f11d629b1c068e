import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A subprocess started with `posix_spawn`, its stdout and stderr on pipes, reaped by this object.
///
/// Everything is bounded in time: reads take a timeout, `terminate` sends SIGTERM and then SIGKILL, and
/// `deinit` kills and reaps a process that was never stopped, so a failing test leaves nothing running.
/// The child gets its own process group, so `send(_:processGroup: true)` also reaches what it spawned.
///
/// The calls block their thread (poll, waitpid); from async tests use the `async` variants, which run them
/// on a thread of their own so the cooperative pool (two threads on a two-core machine) never stalls.
final class ChildProcess: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private struct State {
        var standardOutput: PipeReader
        var standardError: PipeReader
        var exitStatus: Int32?
    }

    let pid: pid_t
    let executable: String
    private let state: Mutex<State>

    /// Starts `executable` (a path) with `arguments`; `environment` entries are added to (or replace)
    /// this process's environment. stdin is /dev/null.
    init(_ executable: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        let (pid, output, error) = try Self.spawnLock.withLock { _ in
            try Self.spawn(executable, arguments: arguments, environment: environment)
        }
        self.pid = pid
        self.executable = executable
        self.state = Mutex(State(standardOutput: output, standardError: error, exitStatus: nil))
    }

    /// Serialises pipe creation and spawning: Swift's Glibc has no `pipe2`, so pipes are made close-on-exec
    /// with a separate `fcntl`, and a child spawned by another test in between would inherit (and hold
    /// open) our pipes. Only this type spawns processes in the test runner.
    private static let spawnLock = Mutex<Void>(())

    private static func spawn(
        _ executable: String,
        arguments: [String],
        environment: [String: String]
    ) throws -> (pid_t, PipeReader, PipeReader) {
        let outputPipe = try Self.makePipe()
        let errorPipe: [Int32]
        do {
            errorPipe = try Self.makePipe()
        } catch {
            close(outputPipe[0])
            close(outputPipe[1])
            throw error
        }
        defer {
            close(outputPipe[1])
            close(errorPipe[1])
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for number in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] {
            sigaddset(&defaultSignals, number)
        }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP)
        )

        var fullEnvironment = ProcessInfo.processInfo.environment
        fullEnvironment.merge(environment) { _, new in new }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = fullEnvironment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }

        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return (pid, PipeReader(descriptor: outputPipe[0]), PipeReader(descriptor: errorPipe[0]))
    }

    private static func makePipe() throws -> [Int32] {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw Failure(description: "pipe: errno \(errno)") }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        return descriptors
    }

    deinit {
        self.state.withLock { state in
            if state.exitStatus == nil {
                kill(self.pid, SIGKILL)
                var status: Int32 = 0
                _ = waitpid(self.pid, &status, 0)
            }
            state.standardOutput.closeDescriptor()
            state.standardError.closeDescriptor()
        }
    }

    /// Exit code, or 128 + signal number, once reaped.
    var exitStatus: Int32? {
        self.state.withLock { $0.exitStatus }
    }

    /// The next line of stdout without its newline; `nil` at end of file.
    func readOutputLine(timeout: Duration) throws -> String? {
        let deadline = ContinuousClock.now + timeout
        return try self.state.withLock { state in
            while true {
                if let line = state.standardOutput.takeLine() {
                    return line
                }
                if state.standardOutput.reachedEnd {
                    return state.standardOutput.takeRest()
                }
                var readers = [state.standardOutput]
                defer { state.standardOutput = readers[0] }
                try PipeReader.fill(&readers, deadline: deadline, what: "\(self.executable)'s stdout")
            }
        }
    }

    /// Everything the process writes to stdout and stderr until both are closed (read together, so a
    /// chatty stderr cannot block the child while we wait on stdout).
    func readAllOutput(timeout: Duration) throws -> (standardOutput: String, standardError: String) {
        let deadline = ContinuousClock.now + timeout
        return try self.state.withLock { state in
            while !(state.standardOutput.reachedEnd && state.standardError.reachedEnd) {
                var readers = [state.standardOutput, state.standardError]
                defer {
                    state.standardOutput = readers[0]
                    state.standardError = readers[1]
                }
                try PipeReader.fill(&readers, deadline: deadline, what: "\(self.executable)'s output")
            }
            return (state.standardOutput.takeRest() ?? "", state.standardError.takeRest() ?? "")
        }
    }

    /// Waits for the process to exit; its status, or `nil` if it is still running at the timeout.
    @discardableResult
    func waitForExit(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let status: Int32?? = self.state.withLock { state in
                if let exitStatus = state.exitStatus { return exitStatus }
                var status: Int32 = 0
                let reaped = waitpid(self.pid, &status, WNOHANG)
                if reaped == self.pid {
                    let signal = status & 0x7F
                    state.exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
                } else if reaped < 0 && errno != EINTR {
                    state.exitStatus = -1  // not our child any more: nothing to wait for
                }
                return state.exitStatus
            }
            if let status, let status {
                return status
            }
            if ContinuousClock.now >= deadline {
                return nil
            }
            usleep(5_000)
        }
    }

    /// Sends `signal` (to the whole process group if asked) unless the process was already reaped.
    func send(_ signal: Int32, processGroup: Bool = false) {
        self.state.withLock { state in
            if state.exitStatus == nil {
                kill(processGroup ? -self.pid : self.pid, signal)
            }
        }
    }

    /// SIGTERM, up to `grace` for the process to exit, then SIGKILL; returns the exit status.
    @discardableResult
    func terminate(grace: Duration = .seconds(5), processGroup: Bool = false) -> Int32? {
        guard self.exitStatus == nil else { return self.exitStatus }
        self.send(SIGTERM, processGroup: processGroup)
        if let status = self.waitForExit(timeout: grace) {
            return status
        }
        self.send(SIGKILL, processGroup: processGroup)
        return self.waitForExit(timeout: .seconds(5))
    }

    /// ``terminate(grace:processGroup:)`` without blocking the caller's thread.
    @discardableResult
    func terminate(grace: Duration = .seconds(5), processGroup: Bool = false) async -> Int32? {
        (try? await offloadBlocking { self.terminate(grace: grace, processGroup: processGroup) }) ?? nil
    }

    /// ``waitForExit(timeout:)`` without blocking the caller's thread.
    func waitForExit(timeout: Duration) async -> Int32? {
        (try? await offloadBlocking { self.waitForExit(timeout: timeout) }) ?? nil
    }

    /// Runs a program to completion: its exit status and output, or a failure if it does not finish in
    /// time (it and its process group are then killed).
    static func run(
        _ executable: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws -> (status: Int32, standardOutput: String, standardError: String) {
        try await offloadBlocking {
            let process = try ChildProcess(executable, arguments: arguments, environment: environment)
            let deadline = ContinuousClock.now + timeout
            do {
                let output = try process.readAllOutput(timeout: timeout)
                guard let status = process.waitForExit(timeout: max(deadline - .now, .milliseconds(100))) else {
                    throw Failure(description: "\(executable) \(arguments) did not exit within \(timeout)")
                }
                return (status, output.standardOutput, output.standardError)
            } catch {
                process.send(SIGKILL, processGroup: true)
                process.waitForExit(timeout: .seconds(5))
                throw error
            }
        }
    }
}

/// Runs a blocking `body` on a thread of its own and awaits its result.
func offloadBlocking<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Swift.Result { try body() })
        }
        thread.start()
    }
}

/// The read end of a pipe, read with `poll` so every read has a deadline.
private struct PipeReader {
    private var descriptor: Int32
    private var buffered: [UInt8] = []
    private(set) var reachedEnd = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    mutating func closeDescriptor() {
        if self.descriptor >= 0 {
            _ = close(self.descriptor)
            self.descriptor = -1
        }
    }

    /// A complete buffered line, without its newline.
    mutating func takeLine() -> String? {
        guard let newline = self.buffered.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = String(decoding: self.buffered[..<newline], as: UTF8.self)
        self.buffered.removeSubrange(...newline)
        return line
    }

    /// Whatever is buffered; `nil` if nothing.
    mutating func takeRest() -> String? {
        guard !self.buffered.isEmpty else { return nil }
        defer { self.buffered.removeAll() }
        return String(decoding: self.buffered, as: UTF8.self)
    }

    /// Waits (until `deadline`) for any of `readers` to have data or reach its end, and reads once from each
    /// that is ready.
    static func fill(_ readers: inout [PipeReader], deadline: ContinuousClock.Instant, what: String) throws {
        let open = readers.indices.filter { !readers[$0].reachedEnd && readers[$0].descriptor >= 0 }
        for index in readers.indices where !open.contains(index) {
            readers[index].reachedEnd = true
        }
        guard !open.isEmpty else { return }
        let remaining = deadline - .now
        guard remaining > .zero else {
            throw ChildProcess.Failure(description: "timed out reading \(what)")
        }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
        var requests = open.map { pollfd(fd: readers[$0].descriptor, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&requests, nfds_t(requests.count), milliseconds)
        if ready < 0 {
            if errno == EINTR { return }
            throw ChildProcess.Failure(description: "poll on \(what): errno \(errno)")
        }
        for (request, index) in zip(requests, open) where request.revents != 0 {
            try readers[index].readOnce(what: what)
        }
    }

    private mutating func readOnce(what: String) throws {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { read(self.descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            self.buffered.append(contentsOf: chunk[..<count])
        } else if count == 0 {
            self.reachedEnd = true
        } else if errno != EINTR && errno != EAGAIN {
            throw ChildProcess.Failure(description: "read on \(what): errno \(errno)")
        }
    }
}
