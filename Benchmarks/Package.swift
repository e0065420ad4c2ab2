// swift-tools-version: 6.2
import PackageDescription

/// Products of the main package, by name.
func harness(_ names: String...) -> [Target.Dependency] {
    names.map { .product(name: $0, package: "ves-harness") }
}

/// What the fixed work needs: the benchmarks time it, the instruction counter counts it.
let fixedWorkModules = harness("JSON", "JSONSchema", "VESModel", "Collectd", "Replay", "VESAgent")
let strictImports: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

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
        .target(
            name: "BenchmarkWork",
            dependencies: fixedWorkModules + [.product(name: "Logging", package: "swift-log")],
            swiftSettings: strictImports
        ),
        // synchronous and single-threaded, for valgrind (scripts/instructions.sh)
        .executableTarget(
            name: "ves-instructions",
            dependencies: ["BenchmarkWork"] + fixedWorkModules + harness("Platform"),
            swiftSettings: strictImports
        ),
        .executableTarget(
            name: "ves-benchmarks",
            dependencies: ["BenchmarkWork"] + fixedWorkModules
                + harness("StndDefined", "MockListener", "CurlClient", "Platform") + [
                    .product(name: "ArgumentParser", package: "swift-argument-parser"),
                    .product(name: "Logging", package: "swift-log"),
                    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "Hummingbird", package: "hummingbird"),
                    .product(name: "HTTPTypes", package: "swift-http-types"),
                ],
            swiftSettings: strictImports
        ),
    ]
)
