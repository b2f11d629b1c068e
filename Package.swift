// swift-tools-version: 6.0
import PackageDescription

// Only versions present on the build machine resolve (see README, "Building").
let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .executable(name: "sluice-worker", targets: ["sluice-worker"]),
        .library(name: "LighttpdConfig", targets: ["LighttpdConfig"]),
        .library(name: "SluiceCore", targets: ["SluiceCore"]),
        .library(name: "SluiceServer", targets: ["SluiceServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // PCRE2 (8-bit, JIT): lighttpd's regex dialect, matched on raw UTF-8 bytes.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // libxcrypt's crypt_r, for htpasswd bcrypt and crypt(3) hashes.
        .systemLibrary(
            name: "CCrypt",
            providers: [.apt(["libcrypt-dev"])]
        ),
        // text -> tokens -> AST with source locations -> typed config. No NIO.
        .target(name: "LighttpdConfig"),
        // The decisions: rewrite, conditions, prefix strip, reverse map, balancers, health, state machines.
        .target(
            name: "SluiceCore",
            dependencies: ["LighttpdConfig", "CPCRE2", "CCrypt"]
        ),
        // All I/O on SwiftNIO.
        .target(
            name: "SluiceServer",
            dependencies: [
                "SluiceCore",
                "LighttpdConfig",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceServer",
                "SluiceCore",
                "LighttpdConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "sluice-worker",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "SluiceBench",
            dependencies: ["SluiceCore", "LighttpdConfig"]
        ),
        .testTarget(name: "LighttpdConfigTests", dependencies: ["LighttpdConfig", "SluiceCore"]),
        .testTarget(name: "SluiceCoreTests", dependencies: ["SluiceCore", "LighttpdConfig"]),
        .testTarget(
            name: "SluiceServerTests",
            dependencies: [
                "SluiceServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "SluiceServer",
                "SluiceCore",
                "LighttpdConfig",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
    ]
)
