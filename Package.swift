// swift-tools-version: 6.1
import PackageDescription

/// One set of settings for every target: Swift 6 language mode with strict concurrency.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "ves-harness",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ves-listener", targets: ["ves-listener"]),
        .executable(name: "ves-replay", targets: ["ves-replay"]),
        .executable(name: "ves-agent", targets: ["ves-agent"]),
        .library(name: "VESModel", targets: ["VESModel"]),
        .library(name: "MockListener", targets: ["MockListener"]),
        .library(name: "CurlClient", targets: ["CurlClient"]),
        .library(name: "Collectd", targets: ["Collectd"]),
        .library(name: "Replay", targets: ["Replay"]),
        .library(name: "VESAgent", targets: ["VESAgent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
    ],
    targets: [
        .target(
            name: "VESModel",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Collectd",
            dependencies: [
                "VESModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "CurlClient",
            dependencies: ["CCurl"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MockListener",
            dependencies: [
                "VESModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Replay",
            dependencies: [
                "Collectd",
                "VESModel",
                "CurlClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ves-replay",
            dependencies: [
                "Replay",
                "Collectd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VESAgent",
            dependencies: [
                "Collectd",
                "VESModel",
                "CurlClient",
                "Replay",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ves-agent",
            dependencies: [
                "VESAgent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ves-listener",
            dependencies: [
                "MockListener",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VESModelTests",
            dependencies: ["VESModel", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CollectdTests",
            dependencies: ["Collectd", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReplayTests",
            dependencies: ["Replay", "Collectd", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VESAgentTests",
            dependencies: [
                "VESAgent", "MockListener", "Replay", "Collectd", "CurlClient", "VESModel", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MockListenerTests",
            dependencies: ["MockListener", "CurlClient", "VESModel", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
