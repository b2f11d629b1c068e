import Testing

/// SPEC §4: only WebSocket upgrades are tunnelled. `Upgrade: h2c` (and its `HTTP2-Settings`) never reaches a
/// backend, so a client cannot talk HTTP/2 straight to it past Sluice's rules ("h2c smuggling"); the
/// request is answered as the plain HTTP/1.1 request it also is.
@Suite struct UpgradeFilteringTests {
    @Test func h2cUpgradeIsAnsweredAsPlainHTTP1AndNotForwarded() async throws {
        try await withWorker { worker in
            try await TestSluice.with(config: ProxyTests.config(ports: [worker.port])) { sluice in
                let response = try await TestHTTPClient.request(
                    TestHTTPRequest("/echo", headers: [
                        ("Connection", "Upgrade, HTTP2-Settings"), ("Upgrade", "h2c"),
                        ("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA"),
                    ]),
                    port: sluice.port)
                #expect(response.status == .ok)
                let echo = try EchoReply(decoding: response)
                #expect(echo.headerValues("Upgrade").isEmpty)
                #expect(echo.headerValues("HTTP2-Settings").isEmpty)
                #expect(!echo.headerValues("Connection").contains { $0.lowercased().contains("upgrade") })
            }
        }
    }
}
