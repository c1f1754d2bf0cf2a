import Foundation
import IAMPolicy

/// Reads user files (or stdin for `-`) with a size cap, as `SourceFile`s.
public enum SourceLoader {
  public static let defaultLimit = 256 << 20

  public enum LoadError: Error, Equatable {
    case unreadable(path: String, reason: String)
    case tooLarge(path: String, bytes: Int, limit: Int)

    public var diagnostic: Diagnostic {
      switch self {
      case .unreadable(let path, let reason):
        Diagnostic(code: .fileUnreadable, message: "cannot read `\(path)`: \(reason)",
                   range: SourceRange(source: path, start: .init(line: 1, column: 1), end: .init(line: 1, column: 1)))
      case .tooLarge(let path, let bytes, let limit):
        Diagnostic(code: .fileTooLarge, message: "`\(path)` is \(bytes) bytes; the limit is \(limit)",
                   range: SourceRange(source: path, start: .init(line: 1, column: 1), end: .init(line: 1, column: 1)))
      }
    }
  }

  public static func load(_ path: String, limit: Int = defaultLimit) throws(LoadError) -> SourceFile {
    if path == "-" {
      var data = Data()
      let handle = FileHandle.standardInput
      while true {
        let chunk = handle.readData(ofLength: 1 << 20)
        if chunk.isEmpty { break }
        data.append(chunk)
        if data.count > limit { throw .tooLarge(path: "-", bytes: data.count, limit: limit) }
      }
      return SourceFile(name: "-", bytes: [UInt8](data))
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .unreadable(path: path, reason: "no such file")
    }
    if isDirectory.boolValue { throw .unreadable(path: path, reason: "it is a directory") }
    if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int, size > limit {
      throw .tooLarge(path: path, bytes: size, limit: limit)
    }
    guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path: path, reason: "permission denied") }
    defer { try? handle.close() }
    var data = Data()
    while true {
      guard let chunk = try? handle.read(upToCount: 4 << 20), !chunk.isEmpty else { break }
      data.append(chunk)
      if data.count > limit { throw .tooLarge(path: path, bytes: data.count, limit: limit) }
    }
    return SourceFile(name: path, bytes: [UInt8](data))
  }
}
