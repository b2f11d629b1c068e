import NIOCore
import NIOHTTP1
import Testing

/// `sluice-worker`'s plain HTTP endpoints, over real sockets (SPEC §1).
@Suite struct WorkerEndpointTests {
    @Test func helloNamesTheWorkerAndKeepsTheConnectionAlive() async throws {
        try await withWorker { worker in
            try await TestHTTPClient.withConnection(port: worker.port) { connection in
                for _ in 0..<3 {
                    let response = try await connection.request(TestHTTPRequest("/"))
                    #expect(response.status == .ok)
                    #expect(response.bodyString == "hello from worker-\(worker.port)\n")
                    #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
                    #expect(response.header("Content-Length") == "\(response.body.readableBytes)")
                    #expect(response.header("Connection") == nil)
                }
            }
        }
    }

    @Test func nameOptionAndStartupLine() async throws {
        try await withWorker(["--name", "alpha"]) { worker in
            #expect(worker.name == "alpha")
            #expect(worker.host == "127.0.0.1")
            let response = try await TestHTTPClient.request(TestHTTPRequest("/?ignored=1"), port: worker.port)
            #expect(response.bodyString == "hello from alpha\n")
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withWorker { worker in
            try await TestHTTPClient.withConnection(port: worker.port) { connection in
                let targets = ["/status/201", "/", "/echo/one?x=1", "/status/204", "/cookie", "/nope"]
                for target in targets {
                    try await connection.send(TestHTTPRequest(target))
                }
                var statuses: [UInt] = []
                for _ in targets {
                    statuses.append(try await connection.readResponse().status.code)
                }
                #expect(statuses == [201, 200, 200, 204, 200, 404])
            }
        }
    }

    @Test func echoReportsTheRequestAsReceived() async throws {
        try await withWorker { worker in
            let body = "{\"quote\": \"\\\"\", \"tab\": \"\t\", \"é\": \"ü\"}\n"
            let request = TestHTTPRequest(
                .POST,
                "/echo/a%20b/%2F?q=%26&x",
                headers: [("X-Custom", "one"), ("x-custom", "two"), ("Content-Type", "application/json")],
                body: body
            )
            let response = try await TestHTTPClient.request(request, port: worker.port)
            #expect(response.status == .ok)
            #expect(response.header("Content-Type") == "application/json")
            let echo = try EchoReply(decoding: response)
            #expect(echo.method == "POST")
            #expect(echo.target == "/echo/a%20b/%2F?q=%26&x")
            #expect(echo.version == "HTTP/1.1")
            #expect(echo.headerValues("x-custom") == ["one", "two"])
            #expect(echo.headers.contains(["X-Custom", "one"]))
            #expect(echo.headers.contains(["x-custom", "two"]))
            #expect(echo.headerValues("host") == ["127.0.0.1:\(worker.port)"])
            #expect(echo.body == body)
            #expect(echo.bodyEncoding == "utf8")
            #expect(echo.bodyTruncated == false)
            #expect(echo.bodyLength == body.utf8.count)
            #expect(echo.bodyFNV1a64 == TestDigest.fnv1a64(body.utf8))
            #expect(echo.peer.hasPrefix("127.0.0.1:"))
            #expect(echo.worker == worker.name)
        }
    }

    @Test func echoOfBytesThatAreNotUTF8UsesBase64() async throws {
        try await withWorker { worker in
            let bytes: [UInt8] = [0x00, 0xFF, 0xC3, 0x28, 0x0A, 0x41]
            let request = TestHTTPRequest(.PUT, "/echo", body: ByteBuffer(bytes: bytes))
            let echo = try EchoReply(decoding: try await TestHTTPClient.request(request, port: worker.port))
            #expect(echo.bodyEncoding == "base64")
            #expect(echo.body == "AP/DKApB")
            #expect(echo.bodyBytes == bytes)
            #expect(echo.bodyLength == bytes.count)
            #expect(echo.bodyFNV1a64 == TestDigest.fnv1a64(bytes))
        }
    }

    @Test func echoOfALargeChunkedBodyKeepsOneMebibyteButDigestsAll() async throws {
        try await withWorker { worker in
            try await TestHTTPClient.withConnection(port: worker.port) { connection in
                // 3 MiB sent as chunked pieces of 64 KiB; a 3-byte character straddles the 1 MiB cut.
                var piece = ByteBuffer(string: String(repeating: "a", count: (1 << 20) - 1))
                piece.writeString("€")
                piece.writeString(String(repeating: "z", count: 2 * (1 << 20) - 2))
                let whole = piece
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: connection.authority)
                headers.add(name: "Transfer-Encoding", value: "chunked")
                try await connection.sendHead(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/echo", headers: headers))
                while piece.readableBytes > 0 {
                    try await connection.sendBody(piece.readSlice(length: min(65536, piece.readableBytes))!)
                }
                try await connection.sendEnd()
                let echo = try EchoReply(decoding: try await connection.readResponse())
                #expect(echo.bodyLength == whole.readableBytes)
                #expect(echo.bodyFNV1a64 == TestDigest.fnv1a64(whole.readableBytesView))
                #expect(echo.bodyTruncated)
                #expect(echo.bodyEncoding == "utf8")
                #expect(echo.body == String(repeating: "a", count: (1 << 20) - 1))
                #expect(echo.headerValues("transfer-encoding") == ["chunked"])
            }
        }
    }

    @Test func redirectPointsAtTheWorkersOwnAddress() async throws {
        try await withWorker { worker in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/redirect"), port: worker.port)
            #expect(response.status == .found)
            #expect(response.header("Location") == "http://127.0.0.1:\(worker.port)/welcome")
            let welcome = try await TestHTTPClient.request(TestHTTPRequest("/welcome"), port: worker.port)
            #expect(welcome.status == .ok)
            #expect(welcome.bodyString == "welcome to \(worker.name)\n")
        }
    }

    @Test func cookieIsSetForTheRootPath() async throws {
        try await withWorker(["--name", "w7"]) { worker in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/cookie"), port: worker.port)
            #expect(response.status == .ok)
            #expect(response.headers["Set-Cookie"] == ["worker=w7; Path=/"])
        }
    }

    @Test(arguments: [200, 201, 301, 400, 404, 418, 500, 502, 503, 599])
    func statusEndpointAnswersWithThatStatus(code: Int) async throws {
        try await withWorker { worker in
            let response = try await TestHTTPClient.request(TestHTTPRequest("/status/\(code)"), port: worker.port)
            #expect(response.status.code == UInt(code))
            #expect(response.bodyString.hasPrefix("\(code) "))
        }
    }

    @Test func statusesWithoutBodiesAndHeadRequests() async throws {
        try await withWorker { worker in
            try await TestHTTPClient.withConnection(port: worker.port) { connection in
                for code in [204, 304] {
                    let response = try await connection.request(TestHTTPRequest("/status/\(code)"))
                    #expect(response.status.code == UInt(code))
                    #expect(response.body.readableBytes == 0)
                }
                let head = try await connection.request(TestHTTPRequest(.HEAD, "/"))
                #expect(head.status == .ok)
                #expect(head.header("Content-Length") == "\("hello from \(worker.name)\n".utf8.count)")
                #expect(head.body.readableBytes == 0)
                // The connection is still in sync after the bodiless responses.
                #expect(try await connection.request(TestHTTPRequest("/")).bodyString == "hello from \(worker.name)\n")
            }
        }
    }

    @Test(arguments: [
        ("/nope", 404), ("/status/abc", 400), ("/status/99", 400), ("/status/600", 400), ("/echoes", 404),
        ("/sse?n=-1", 400), ("/sse?interval-ms=x", 400), ("/bytes?n=lots", 400), ("/ws", 426),
    ])
    func unknownPathsAndBadParameters(target: String, code: Int) async throws {
        try await withWorker { worker in
            let response = try await TestHTTPClient.request(TestHTTPRequest(target), port: worker.port)
            #expect(response.status.code == UInt(code))
        }
    }

    @Test func connectionCloseAndHTTP10AreHonoured() async throws {
        try await withWorker { worker in
            try await TestHTTPClient.withConnection(port: worker.port) { connection in
                let response = try await connection.request(TestHTTPRequest("/", headers: [("Connection", "close")]))
                #expect(response.header("Connection") == "close")
                try await connection.expectClose()
            }
            try await TestHTTPClient.withConnection(port: worker.port) { connection in
                let response = try await connection.request(TestHTTPRequest("/", version: .http1_0))
                #expect(response.head.version == .http1_0)
                try await connection.expectClose()
            }
            try await TestHTTPClient.withConnection(port: worker.port) { connection in
                let keepAlive = TestHTTPRequest("/", version: .http1_0, headers: [("Connection", "keep-alive")])
                let first = try await connection.request(keepAlive)
                let second = try await connection.request(keepAlive)
                #expect(first.header("Connection") == "keep-alive")
                #expect(second.status == .ok)
            }
        }
    }

    @Test func delayedWorkerStillAnswersEveryRequest() async throws {
        try await withWorker(["--delay-ms", "20", "--jitter-ms", "10", "--threads", "2"]) { worker in
            try await TestHTTPClient.withConnection(port: worker.port) { connection in
                for target in ["/", "/echo", "/status/503"] {
                    try await connection.send(TestHTTPRequest(target))
                }
                #expect(try await connection.readResponse().status == .ok)
                #expect(try await connection.readResponse().status == .ok)
                #expect(try await connection.readResponse().status == .serviceUnavailable)
            }
        }
    }
}
