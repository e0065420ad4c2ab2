// swift-tools-version: 6.2
import PackageDescription

/// One set of settings for every target: Swift 6 language mode with strict concurrency.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

extension Target.Dependency {
    static let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
    static let hummingbirdCore = Target.Dependency.product(name: "HummingbirdCore", package: "hummingbird")
    static let hummingbirdTLS = Target.Dependency.product(name: "HummingbirdTLS", package: "hummingbird")
    static let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
    static let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
    static let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
    static let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
    static let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
    static let serviceLifecycle = Target.Dependency.product(
        name: "ServiceLifecycle",
        package: "swift-service-lifecycle"
    )
    static let unixSignals = Target.Dependency.product(name: "UnixSignals", package: "swift-service-lifecycle")
    static let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
    static let cryptoExtras = Target.Dependency.product(name: "_CryptoExtras", package: "swift-crypto")
    static let configuration = Target.Dependency.product(name: "Configuration", package: "swift-configuration")
    static let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
    static let dequeModule = Target.Dependency.product(name: "DequeModule", package: "swift-collections")
    static let yams = Target.Dependency.product(name: "Yams", package: "Yams")
    static let metrics = Target.Dependency.product(name: "CoreMetrics", package: "swift-metrics")
    static let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
    static let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
}

let package = Package(
    name: "ves-harness",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ves-listener", targets: ["ves-listener"]),
        .executable(name: "ves-replay", targets: ["ves-replay"]),
        .executable(name: "ves-agent", targets: ["ves-agent"]),
        .library(name: "Platform", targets: ["Platform"]),
        .library(name: "JSON", targets: ["JSON"]),
        .library(name: "JSONSchema", targets: ["JSONSchema"]),
        .library(name: "VESModel", targets: ["VESModel"]),
        .library(name: "StndDefined", targets: ["StndDefined"]),
        .library(name: "MockListener", targets: ["MockListener"]),
        .library(name: "CurlClient", targets: ["CurlClient"]),
        .library(name: "Collectd", targets: ["Collectd"]),
        .library(name: "Replay", targets: ["Replay"]),
        .library(name: "VESAgent", targets: ["VESAgent"]),
        .library(name: "VESMapping", targets: ["VESMapping"]),
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
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Libraries, lowest first: each depends only on those above it.
        .target(name: "Platform", swiftSettings: swiftSettings),
        .target(name: "JSON", swiftSettings: swiftSettings),
        .target(name: "JSONSchema", dependencies: ["JSON", "Platform"], swiftSettings: swiftSettings),
        .target(name: "VESModel", dependencies: ["JSON", "JSONSchema"], swiftSettings: swiftSettings),
        .target(
            name: "StndDefined",
            dependencies: ["JSON", "JSONSchema", "Platform", .yams],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Collectd",
            dependencies: ["JSON", "Platform", .crypto, .cryptoExtras, .nioCore, .nioPosix],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VESMapping",
            dependencies: ["Collectd", "JSON", "VESModel", "Platform", .yams],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "CurlClient", dependencies: ["CCurl"], swiftSettings: swiftSettings),
        .target(name: "MetricsExport", dependencies: [.metrics, .prometheus], swiftSettings: swiftSettings),
        .target(
            name: "MockListener",
            dependencies: [
                "VESModel", "StndDefined", "JSON", "JSONSchema", "Platform",
                "MetricsExport", .configuration, .hummingbird, .hummingbirdCore, .hummingbirdTLS, .httpTypes, .logging,
                .metrics, .nioCore, .nioPosix, .nioSSL, .serviceLifecycle,
            ],
            // built into the binary: the web view's page and the OpenAPI document need no files beside it
            resources: [
                .embedInCode("WebView/Page/index.html"), .embedInCode("WebView/Page/app.js"),
                .embedInCode("WebView/Page/app.css"), .embedInCode("OpenAPI/openapi.json"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VESAgent",
            dependencies: [
                "Collectd", "VESModel", "VESMapping", "JSON", "Platform", "CurlClient",
                "MetricsExport", .configuration, .dequeModule, .logging, .metrics, .nioCore, .nioHTTP1, .nioPosix,
                .serviceLifecycle, .unixSignals,
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Replay",
            dependencies: [
                "Collectd", "JSON", "Platform", "CurlClient", .logging, .nioCore, .nioPosix, .serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        // The programs: a command type each, calling one library entry point.
        .executableTarget(
            name: "ves-listener",
            dependencies: ["MockListener", "StndDefined", "Platform", .argumentParser, .logging],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ves-agent",
            dependencies: ["VESAgent", .argumentParser, .logging],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ves-replay",
            dependencies: ["Replay", "Collectd", "Platform", .argumentParser, .logging, .serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        // Tests: one target per library, and EndToEndTests for the ones that run programs together.
        .target(
            name: "TestSupport",
            dependencies: ["JSON", .logging],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"], swiftSettings: swiftSettings),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "JSONSchemaTests",
            dependencies: ["JSONSchema", "JSON", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VESModelTests",
            dependencies: ["VESModel", "JSON", "JSONSchema", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StndDefinedTests",
            dependencies: ["StndDefined", "JSONSchema", "JSON", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VESMappingTests",
            dependencies: ["VESMapping", "Collectd", "JSON", "JSONSchema", "VESModel", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CollectdTests",
            dependencies: ["Collectd", "JSON", "TestSupport", .nioCore],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MockListenerTests",
            dependencies: [
                "MockListener", "VESModel", "StndDefined", "JSON", "JSONSchema", "CurlClient", "TestSupport", .logging,
                .serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VESAgentTests",
            dependencies: ["VESAgent", "Collectd", "VESModel", "JSONSchema", "JSON", "TestSupport", .logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReplayTests",
            dependencies: [
                "Replay", "Collectd", "JSON", "CurlClient", "TestSupport", .logging, .nioCore, .serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "VESAgent", "MockListener", "Replay", "Collectd", "CurlClient", "VESModel", "JSON", "JSONSchema",
                "Platform", "TestSupport", .logging, .nioCore, .serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
