// swift-tools-version: 6.0
import PackageDescription

let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

/// Release builds of the command (and of the benchmark that measures it) link the Swift
/// runtime and Foundation statically: start-up drops from ~12 ms to ~4 ms, and the
/// runtime's retain and release are direct calls.
let staticRuntimeInRelease: [LinkerSetting] = [
  .unsafeFlags(
    [
      "-static-stdlib", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections",
      "-lswiftSynchronization",
    ], .when(configuration: .release))
]

let package = Package(
  name: "iam-tutor",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "iam-tutor", targets: ["iam-tutor"]),
    .library(name: "IAMEvaluator", targets: ["IAMPolicy", "IAMEvaluator", "IAMSimulator"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    // Pure core: text in, values out.
    .target(name: "IAMPolicy", swiftSettings: swift6),
    .target(name: "IAMEvaluator", dependencies: ["IAMPolicy"], swiftSettings: swift6),
    .target(name: "IAMSimulator", dependencies: ["IAMPolicy", "IAMEvaluator"], swiftSettings: swift6),
    // AWS reference data: actions, resource types, condition keys, managed policies.
    .target(
      name: "IAMCatalog", exclude: ["Generator"], resources: [.copy("Resources")], swiftSettings: swift6),
    // Accounts: users, groups, roles, policies; "can X do Y?" through role assumption.
    .target(
      name: "IAMAccount",
      dependencies: ["IAMPolicy", "IAMEvaluator", "IAMSimulator", "IAMCatalog", .product(name: "Yams", package: "Yams")],
      swiftSettings: swift6),
    // Lessons: CommonMark (cmark-gfm from Debian) wrapped once into a Swift tree, rendered for terminals.
    .systemLibrary(
      name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
      providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"]), .brew(["cmark-gfm"])]),
    .target(
      name: "LessonMarkdown", dependencies: ["CCmarkGFM", .product(name: "Yams", package: "Yams")],
      swiftSettings: swift6),
    // The tutor: lessons, exercises, grading, progress, the REPL's state machine (pure).
    .target(
      name: "IAMTutor",
      dependencies: [
        "IAMPolicy", "IAMEvaluator", "IAMSimulator", "IAMCatalog", "IAMAccount", "LessonMarkdown",
        .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: swift6),
    // Edges: files, terminal, process exit codes.
    .systemLibrary(
      name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"]), .brew(["libedit"])]),
    .target(name: "LineEditor", dependencies: ["CLibEdit"], swiftSettings: swift6),
    .target(
      name: "IAMTutorCLI",
      dependencies: [
        "IAMPolicy", "IAMEvaluator", "IAMSimulator", "IAMCatalog", "IAMAccount", "IAMTutor", "LessonMarkdown",
        "LineEditor",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swift6),
    .executableTarget(
      name: "iam-tutor", dependencies: ["IAMTutorCLI"], swiftSettings: swift6, linkerSettings: staticRuntimeInRelease),
    .target(name: "IAMTestSupport", dependencies: ["IAMPolicy", "IAMEvaluator", "IAMSimulator"], swiftSettings: swift6),
    .executableTarget(
      name: "EvaluatorBenchmark",
      dependencies: ["IAMPolicy", "IAMEvaluator", "IAMSimulator", "IAMTutorCLI"],
      path: "Benchmarks/EvaluatorBenchmark",
      // Linked as `iam-tutor` is, so it measures the evaluator as the command runs it.
      swiftSettings: swift6, linkerSettings: staticRuntimeInRelease),
    .testTarget(name: "IAMPolicyTests", dependencies: ["IAMPolicy", "IAMTestSupport"], swiftSettings: swift6),
    .testTarget(name: "IAMEvaluatorTests", dependencies: ["IAMEvaluator", "IAMTestSupport"], swiftSettings: swift6),
    .testTarget(
      name: "LessonMarkdownTests", dependencies: ["LessonMarkdown"], exclude: ["Fixtures"], swiftSettings: swift6),
    .testTarget(name: "LineEditorTests", dependencies: ["LineEditor"], swiftSettings: swift6),
    .executableTarget(
      name: "TutorBenchmark", dependencies: ["IAMTutor", "IAMCatalog", "IAMPolicy"], path: "Benchmarks/TutorBenchmark",
      swiftSettings: swift6),
    .executableTarget(
      name: "AccountBenchmark", dependencies: ["IAMAccount", "IAMEvaluator", "IAMPolicy"],
      path: "Benchmarks/AccountBenchmark", swiftSettings: swift6),
    .testTarget(
      name: "IAMTutorTests", dependencies: ["IAMTutor", "IAMTestSupport", "LessonMarkdown"], exclude: ["Fixtures"],
      swiftSettings: swift6),
    .testTarget(name: "IAMAccountTests", dependencies: ["IAMAccount", "IAMTestSupport"], exclude: ["Fixtures"], swiftSettings: swift6),
    .testTarget(name: "IAMCatalogTests", dependencies: ["IAMCatalog"], swiftSettings: swift6),
    .testTarget(name: "IAMSimulatorTests", dependencies: ["IAMSimulator", "IAMTestSupport"], swiftSettings: swift6),
    .testTarget(
      name: "IAMTutorCLITests", dependencies: ["iam-tutor", "IAMTestSupport"], swiftSettings: swift6),
  ]
)
