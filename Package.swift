// swift-tools-version: 6.0
import PackageDescription

let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
  name: "iam-tutor",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "iam-tutor", targets: ["iam-tutor"]),
    .library(name: "IAMEvaluator", targets: ["IAMPolicy", "IAMEvaluator", "IAMSimulator"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
  ],
  targets: [
    // Pure core: text in, values out.
    .target(name: "IAMPolicy", swiftSettings: swift6),
    .target(name: "IAMEvaluator", dependencies: ["IAMPolicy"], swiftSettings: swift6),
    .target(name: "IAMSimulator", dependencies: ["IAMPolicy", "IAMEvaluator"], swiftSettings: swift6),
    // Edges: files, terminal, process exit codes.
    .target(
      name: "IAMTutorCLI",
      dependencies: [
        "IAMPolicy", "IAMEvaluator", "IAMSimulator",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swift6),
    .executableTarget(name: "iam-tutor", dependencies: ["IAMTutorCLI"], swiftSettings: swift6),
    .target(name: "IAMTestSupport", dependencies: ["IAMPolicy", "IAMEvaluator", "IAMSimulator"], swiftSettings: swift6),
    .executableTarget(
      name: "EvaluatorBenchmark",
      dependencies: ["IAMPolicy", "IAMEvaluator", "IAMSimulator"],
      path: "Benchmarks/EvaluatorBenchmark",
      swiftSettings: swift6),
    .testTarget(name: "IAMPolicyTests", dependencies: ["IAMPolicy", "IAMTestSupport"], swiftSettings: swift6),
    .testTarget(name: "IAMEvaluatorTests", dependencies: ["IAMEvaluator", "IAMTestSupport"], swiftSettings: swift6),
    .testTarget(name: "IAMSimulatorTests", dependencies: ["IAMSimulator", "IAMTestSupport"], swiftSettings: swift6),
    .testTarget(
      name: "IAMTutorCLITests", dependencies: ["iam-tutor", "IAMTestSupport"], swiftSettings: swift6),
  ]
)
