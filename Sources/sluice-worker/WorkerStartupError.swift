import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the worker could not start; printed as `sluice-worker: MESSAGE` with exit status 1.
struct WorkerStartupError: Error, CustomStringConvertible {
    private enum Code {
        case addressInUse
        case cannotListen(underlying: String)
    }

    private let code: Code
    private let host: String
    private let port: Int

    static func cannotListen(host: String, port: Int, error: any Error) -> WorkerStartupError {
        if let ioError = error as? IOError, ioError.errnoCode == EADDRINUSE {
            return WorkerStartupError(code: .addressInUse, host: host, port: port)
        }
        return WorkerStartupError(code: .cannotListen(underlying: "\(error)"), host: host, port: port)
    }

    var description: String {
        switch self.code {
        case .addressInUse:
            return "cannot listen on \(self.host):\(self.port): the port is already in use "
                + "(another worker? see `scripts/workers status`)"
        case .cannotListen(let underlying):
            return "cannot listen on \(self.host):\(self.port): \(underlying)"
        }
    }
}
