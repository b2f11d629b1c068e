import NIOCore
import NIOHTTP1
import NIOWebSocket
import Testing

/// `/ws`: WebSocket echo (RFC 6455) on the same port as HTTP.
@Suite struct WorkerWebSocketTests {
    @Test func textAndBinaryMessagesComeBack() async throws {
        try await withWorker { worker in
            try await TestWebSocketClient.withConnection(port: worker.port) { socket in
                #expect(socket.upgradeResponse.status == .switchingProtocols)
                try await socket.send(.text, ByteBuffer(string: "héllo"))
                let text = try await socket.receiveMessage()
                #expect(text.opcode == .text)
                #expect(String(buffer: text.data) == "héllo")

                try await socket.send(.binary, ByteBuffer(bytes: [0, 1, 2, 255]))
                let binary = try await socket.receiveMessage()
                #expect(binary.opcode == .binary)
                #expect(Array(binary.data.readableBytesView) == [0, 1, 2, 255])
            }
        }
    }

    @Test func aOneMegabyteMessageComesBackIntact() async throws {
        try await withWorker { worker in
            try await TestWebSocketClient.withConnection(port: worker.port) { socket in
                var payload = ByteBuffer()
                for index in 0..<1_000_000 {
                    payload.writeInteger(UInt8(truncatingIfNeeded: index &* 31 &+ 7))
                }
                try await socket.send(.binary, payload)
                let echoed = try await socket.receiveMessage()
                #expect(echoed.data.readableBytes == 1_000_000)
                #expect(echoed.data == payload)
            }
        }
    }

    @Test func fragmentedMessagesAndInterleavedPings() async throws {
        try await withWorker { worker in
            try await TestWebSocketClient.withConnection(port: worker.port) { socket in
                try await socket.send(.text, ByteBuffer(string: "frag"), fin: false)
                try await socket.send(.ping, ByteBuffer(string: "are you there"))
                try await socket.send(.continuation, ByteBuffer(string: "ment"), fin: false)
                try await socket.send(.continuation, ByteBuffer(string: "ed"), fin: true)

                let first = try #require(try await socket.receiveFrame())
                #expect(first.opcode == .text)
                #expect(!first.fin)
                let pong = try #require(try await socket.receiveFrame())
                #expect(pong.opcode == .pong)
                #expect(String(buffer: pong.data) == "are you there")
                var rest = ""
                while let frame = try await socket.receiveFrame() {
                    #expect(frame.opcode == .continuation)
                    rest += String(buffer: frame.data)
                    if frame.fin { break }
                }
                #expect(String(buffer: first.data) + rest == "fragmented")

                let large = ByteBuffer(repeating: 0x5A, count: 300_000)
                try await socket.sendMessage(.binary, large, fragmentSize: 64 * 1024)
                let message = try await socket.receiveMessage()
                #expect(message.data == large)
                #expect(message.frameCount == 5)
            }
        }
    }

    @Test func closeHandshakeEchoesTheStatusCode() async throws {
        try await withWorker { worker in
            try await TestWebSocketClient.withConnection(port: worker.port) { socket in
                var reply = try await socket.close(code: 4001).data
                #expect(reply.readInteger(as: UInt16.self) == 4001)
                #expect(try await socket.receiveFrame() == nil)
            }
        }
    }

    /// Frames a server must refuse with close 1002 (RFC 6455 §5.1, §5.4).
    enum BrokenFrame: CaseIterable, Sendable {
        case continuationWithoutMessage, unmasked, newMessageInsideFragmentedOne
    }

    @Test(arguments: BrokenFrame.allCases)
    func protocolErrorsCloseWith1002(broken: BrokenFrame) async throws {
        try await withWorker { worker in
            try await TestWebSocketClient.withConnection(port: worker.port) { socket in
                switch broken {
                case .continuationWithoutMessage:
                    try await socket.send(.continuation, ByteBuffer(string: "orphan"))
                case .unmasked:
                    try await socket.send(.text, ByteBuffer(string: "bare"), masked: false)
                case .newMessageInsideFragmentedOne:
                    try await socket.send(.text, ByteBuffer(string: "one"), fin: false)
                    try await socket.send(.text, ByteBuffer(string: "two"))
                }
                var close = try #require(try await socket.receiveFrame())
                while close.opcode != .connectionClose {
                    close = try #require(try await socket.receiveFrame())
                }
                var payload = close.data
                #expect(payload.readInteger(as: UInt16.self) == 1002)
                #expect(try await socket.receiveFrame() == nil)
            }
        }
    }

    @Test func upgradeIsOnlyOfferedOnTheWebSocketPath() async throws {
        try await withWorker { worker in
            await #expect(throws: TestClientError.self) {
                try await TestWebSocketClient.withConnection(port: worker.port, target: "/echo") { _ in }
            }
            // The worker still serves plain HTTP afterwards.
            let response = try await TestHTTPClient.request(TestHTTPRequest("/"), port: worker.port)
            #expect(response.status == .ok)
        }
    }
}
