import NIOCore
import Testing

/// `/sse` and `/bytes`: streamed responses (SPEC §1). Arrival times are recorded by the client but never
/// asserted: timing claims belong to benchmarks.
@Suite struct WorkerStreamingTests {
    @Test func serverSentEventsArriveInOrderThenTheStreamEnds() async throws {
        try await withWorker { worker in
            try await TestHTTPClient.withConnection(port: worker.port, timeout: .seconds(60)) { connection in
                try await connection.send(TestHTTPRequest("/sse?n=4&interval-ms=1000"))
                let head = try await connection.readResponseHead()
                #expect(head.status == .ok)
                #expect(head.headers.first(name: "Content-Type") == "text/event-stream")
                #expect(head.headers.first(name: "Transfer-Encoding") == "chunked")
                var text = ""
                var chunks: [TestBodyChunk] = []
                while let chunk = try await connection.readBodyChunk() {
                    chunks.append(chunk)
                    text += String(buffer: chunk.data)
                }
                #expect(text == "data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n")
                // Each event is flushed on its own: the first arrives alone, a whole second before the next is
                // written (one read taking both would need the client's event loop to stall that long). How
                // many reads the others take is not asserted: a loaded machine may merge them.
                #expect(chunks.first.map { String(buffer: $0.data) } == "data: 1\n\n", "\(chunks.map { String(buffer: $0.data) })")
                // Keep-alive survives the stream.
                #expect(try await connection.request(TestHTTPRequest("/")).status == .ok)
            }
        }
    }

    @Test func serverSentEventsWithNoEvents() async throws {
        try await withWorker { worker in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/sse?n=0"), port: worker.port)
            #expect(response.status == .ok)
            #expect(response.body.readableBytes == 0)
        }
    }

    @Test(arguments: [0, 1, 255, 65536, 65537, 5_000_003])
    func bytesSendsExactlyNBytesOfThePattern(count: Int) async throws {
        try await withWorker { worker in
            try await TestHTTPClient.withConnection(port: worker.port, timeout: .seconds(30)) { connection in
                let response = try await connection.request(TestHTTPRequest("/bytes?n=\(count)"))
                #expect(response.status == .ok)
                #expect(response.header("Content-Type") == "application/octet-stream")
                #expect(response.header("Content-Length") == String(count))
                let body = response.body
                #expect(body.readableBytes == count)
                let firstWrongByte = body.withUnsafeReadableBytes { bytes in
                    bytes.indices.first { bytes[$0] != UInt8(truncatingIfNeeded: $0) }
                }
                #expect(firstWrongByte == nil)
                #expect(try await connection.request(TestHTTPRequest(.HEAD, "/bytes?n=\(count)")).body.readableBytes == 0)
            }
        }
    }

    @Test func bytesDefaultsToOneKibibyte() async throws {
        try await withWorker { worker in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/bytes"), port: worker.port)
            #expect(response.body.readableBytes == 1024)
        }
    }

    @Test func aClientThatLeavesMidStreamDoesNotHurtTheWorker() async throws {
        try await withWorker { worker in
            try await TestHTTPClient.withConnection(port: worker.port) { connection in
                try await connection.send(TestHTTPRequest("/bytes?n=1000000000"))
                _ = try await connection.readResponseHead()
                _ = try await connection.readBodyChunk()
            }
            try await TestHTTPClient.withConnection(port: worker.port) { connection in
                try await connection.send(TestHTTPRequest("/sse?n=100&interval-ms=10"))
                _ = try await connection.readResponseHead()
                _ = try await connection.readBodyChunk()
            }
            let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: worker.port)
            #expect(response.status == .ok)
        }
    }
}
