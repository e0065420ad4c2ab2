// swift-tools-version: 6.2
import PackageDescription

// libFuzzer targets for the project's parsers, kept apart from the main package so its build and tests never need
// the fuzzer runtime. Build with scripts/fuzz.sh (release, `-sanitize=fuzzer,address`).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// One fuzz target: an executable whose `main.swift` hands its `LLVMFuzzerTestOneInput` to libFuzzer's driver.
func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzDriver"] + products.map { .product(name: $0, package: "ves-harness") },
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "ves-harness-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ves-harness", path: "..")
    ],
    targets: [
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer"], swiftSettings: swiftSettings),
        // Apart from the driver, so fuzz-seeds links no libFuzzer code.
        .target(name: "FuzzCredentials", swiftSettings: swiftSettings),
        .executableTarget(
            name: "fuzz-network",
            dependencies: ["FuzzDriver", "FuzzCredentials", .product(name: "Collectd", package: "ves-harness")],
            swiftSettings: swiftSettings
        ),
        fuzzTarget("fuzz-json-validation", ["JSON", "JSONSchema", "VESModel"]),
        fuzzTarget("fuzz-putval", ["Collectd"]),
        fuzzTarget("fuzz-collectd-json", ["Collectd"]),
        fuzzTarget("fuzz-trace", ["Collectd"]),
        fuzzTarget("fuzz-pcap", ["Collectd"]),
        fuzzTarget("fuzz-listener-command", ["VESAgent", "JSON"]),
        // Writes the seed corpora from the project's fixtures; a plain program, not a fuzz target.
        .executableTarget(
            name: "fuzz-seeds",
            dependencies: [
                "FuzzCredentials", .product(name: "Collectd", package: "ves-harness"),
                .product(name: "JSON", package: "ves-harness"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
