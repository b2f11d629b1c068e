import NIOCore
import NIOHTTP1
import SluiceCore

/// Getting and giving back the exchange's backend connection: a pooled lease (with its wait deadline), a
/// dedicated connection for an upgrade, and what happens to a connection that died under a retry.
extension ProxyExchange {
    func requestConnection(fresh: Bool, waitDeadline: UInt64) {
        guard let ticket else { return }
        let pool = route.pools[ticket.backend.index]
        switch pool.lease(on: context.eventLoop, fresh: fresh) {
        case .leased(let leased):
            leaseCompleted(.success(leased), from: pool)
        case .waiting(let id, let future):
            lease = (pool, id)
            future.assumeIsolated().whenComplete { [self] result in
                guard self.lease?.id == id else {
                    if case .success(let leased) = result { pool.release(leased.connection, reusable: true) }
                    return
                }
                self.lease = nil
                leaseCompleted(result, from: pool)
            }
            // The callback above may have run already (a failure decided at once): then no wait timer.
            guard self.lease?.id == id else { return }
            schedule(at: waitDeadline) { [self] in
                guard let lease else { return }
                lease.pool.cancel(lease.id)
                self.lease = nil
                run(machine.connectionWaitTimedOut(now: now))
            }
        }
    }

    private func leaseCompleted(_ result: Result<UpstreamPool.Leased, Error>, from pool: UpstreamPool) {
        cancelTimers()
        switch result {
        case .success(let leased):
            guard !finished else {
                pool.release(leased.connection, reusable: true)
                return
            }
            connectionPool = pool
            attach(leased.connection)
            run(machine.connected(reused: leased.isReused))
        case .failure(let error):
            let reason: Machine.Unavailability
            switch error as? UpstreamPool.LeaseError {
            case .backlogFull: reason = .backlogFull
            case .shuttingDown: reason = .shuttingDown
            default:
                // The pool logged the connect failure itself (once for all the requests waiting on it).
                reason = .backendFailed
            }
            run(machine.connectionUnavailable(reason, now: now))
        }
    }

    func openDedicatedConnection() {
        guard let ticket else { return }
        let pool = route.pools[ticket.backend.index]
        dedicated = true
        UpstreamConnection.connect(
            to: pool.address, on: context.eventLoop, timeout: .seconds(Int64(max(1, routed.options.proxy.connectTimeout))),
            id: .init(-1)
        ).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let connection):
                guard !finished else {
                    connection.channel.close(promise: nil)
                    return
                }
                attach(connection)
                run(machine.connected(reused: false))
            case .failure(let error):
                ticket.backend.health.connectFailed(at: now)
                handler.runtime.errorLog.error("backend \(ticket.backend.name): connect failed: \(error)")
                run(machine.connectFailed(now: now))
            }
        }
    }

    func attach(_ connection: UpstreamConnection) {
        // A new connection: what went wrong with an earlier one was told already, or belongs to another backend.
        failureCause = nil
        self.connection = connection
        if connection.eventLoop.inEventLoop {
            connection.attach(self)
        } else {
            hop(connection.eventLoop) { connection.attach(self) }
        }
    }

    /// A retry after the connection closed under the request: forget it (the pool learnt of the close) and
    /// send the request again from its head.
    func dropDeadConnection() {
        guard let connection else { return }
        self.connection = nil
        connectionPool = nil
        requestSent = false
        responseHead = nil
        if dedicated { connection.channel.close(promise: nil) }
    }

    func releaseConnection(reusable: Bool) {
        guard let connection else { return }
        self.connection = nil
        if dedicated {
            connection.channel.close(promise: nil)
            return
        }
        let pool = connectionPool
        connectionPool = nil
        if connection.eventLoop.inEventLoop {
            Self.giveBack(connection, to: pool, reusable: reusable)
        } else {
            hop(connection.eventLoop) { Self.giveBack(connection, to: pool, reusable: reusable) }
        }
    }

    /// On the connection's loop: detach it, and return it to its pool (or close it when it has none).
    private static func giveBack(_ connection: UpstreamConnection, to pool: UpstreamPool?, reusable: Bool) {
        connection.attach(nil)
        if let pool {
            pool.release(connection, reusable: reusable)
        } else {
            connection.channel.close(promise: nil)
        }
    }
}
