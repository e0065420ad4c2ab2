// swift-tools-version: 6.2
import PackageDescription

// Kept apart from the main package so benchmarks never slow its build or its tests.
let package = Package(
    name: "ves-harness-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ves-harness", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "ves-benchmarks",
            dependencies: [
                .product(name: "JSON", package: "ves-harness"),
                .product(name: "JSONSchema", package: "ves-harness"),
                .product(name: "VESModel", package: "ves-harness"),
                .product(name: "StndDefined", package: "ves-harness"),
                .product(name: "MockListener", package: "ves-harness"),
                .product(name: "CurlClient", package: "ves-harness"),
                .product(name: "Collectd", package: "ves-harness"),
                .product(name: "Replay", package: "ves-harness"),
                .product(name: "VESAgent", package: "ves-harness"),
                .product(name: "Platform", package: "ves-harness"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]
        )
    ]
)
