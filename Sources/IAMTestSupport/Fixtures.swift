import Foundation
import IAMPolicy

/// Finds the repository and the shared material beside it, from any test file.
public enum Fixtures {
  /// The package root (the folder with Package.swift).
  public static func packageRoot(from file: String = #filePath) -> URL {
    var url = URL(fileURLWithPath: file).deletingLastPathComponent()
    while url.path != "/" {
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
      url = url.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  }

  /// `../shared` beside the checkout, where the conformance cases live.
  public static var sharedFolder: URL {
    packageRoot().deletingLastPathComponent().appendingPathComponent("shared")
  }

  /// The built `iam-tutor` next to the running test bundle.
  public static var executable: URL {
    let argv0 = URL(fileURLWithPath: CommandLine.arguments[0])
    var dir = argv0.deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("iam-tutor")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return packageRoot().appendingPathComponent(".build/debug/iam-tutor")
  }
}

/// One evaluator conformance case from ../shared/conformance (format in ../shared/spec/simulate.md).
public struct ConformanceCase: Sendable, CustomTestStringConvertibleShim {
  public var id: String
  public var why: String
  public var file: String
  /// The `simulate-custom-policy` document, as JSON text.
  public var input: String
  public var expect: String

  public var testDescription: String { "\(file): \(id)" }

  /// Every case of every file, in file order.
  public static func all() throws -> [ConformanceCase] {
    let folder = Fixtures.sharedFolder.appendingPathComponent("conformance")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
    var cases: [ConformanceCase] = []
    for name in names {
      let data = try Data(contentsOf: folder.appendingPathComponent(name))
      guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
        let list = root["cases"] as? [[String: Any]]
      else { continue }
      for c in list {
        guard let id = c["id"] as? String, let expect = c["expect"] as? String, let input = c["input"] else { continue }
        let inputData = try JSONSerialization.data(withJSONObject: input, options: [.prettyPrinted, .sortedKeys])
        cases.append(
          ConformanceCase(
            id: id, why: c["why"] as? String ?? "", file: name, input: String(decoding: inputData, as: UTF8.self),
            expect: expect))
      }
    }
    return cases
  }
}

/// Lets fixture types name themselves in test output without importing Testing here.
public protocol CustomTestStringConvertibleShim {
  var testDescription: String { get }
}

/// Runs the built binary and captures what it prints.
public struct ProcessResult: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String
}

public enum BinaryRunner {
  public static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = Fixtures.executable
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Read both pipes concurrently so a full pipe never blocks the child.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errData = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }
}
