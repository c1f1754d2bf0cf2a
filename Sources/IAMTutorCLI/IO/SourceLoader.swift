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
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw .unreadable(path: path, reason: "permission denied") }
    defer { close(fd) }
    return SourceFile(name: path, bytes: try readAll(fd, path: path, limit: limit))
  }

  /// A whole input file as bytes: mapped when it is a regular file (no `read` copy,
  /// no page of it touched before it is needed), read otherwise (stdin, pipes).
  public final class Input: @unchecked Sendable {
    public let name: String
    private let base: UnsafeRawPointer?
    public let count: Int
    private let mapped: Bool
    private let owned: [UInt8]

    init(name: String, mapping base: UnsafeRawPointer, count: Int) {
      self.name = name
      self.base = base
      self.count = count
      mapped = true
      owned = []
    }

    init(name: String, bytes: [UInt8]) {
      self.name = name
      base = nil
      count = bytes.count
      mapped = false
      owned = bytes
    }

    deinit {
      if mapped, let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The bytes, valid only inside `body`.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
      if mapped, let base {
        return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count))
      }
      return try owned.withUnsafeBufferPointer(body)
    }
  }

  /// Opens `path` (or stdin for `-`) for reading as a whole, with the same checks and
  /// messages as `load`; a large batch file is mapped rather than copied.
  public static func input(_ path: String, limit: Int = defaultLimit) throws(LoadError) -> Input {
    if path == "-" {
      let file = try load(path, limit: limit)
      return Input(name: file.name, bytes: file.bytes)
    }
    // stat(2), as FileManager.fileExists does, without starting FileManager (a
    // noticeable part of a short batch's start-up).
    var status = stat()
    guard stat(path, &status) == 0 else { throw .unreadable(path: path, reason: "no such file") }
    if (status.st_mode & S_IFMT) == S_IFDIR { throw .unreadable(path: path, reason: "it is a directory") }
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw .unreadable(path: path, reason: "permission denied") }
    defer { close(fd) }
    var info = stat()
    if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
      let size = Int(info.st_size)
      if size > limit { throw .tooLarge(path: path, bytes: size, limit: limit) }
      if size == 0 { return Input(name: path, bytes: []) }
      // Not populated up front: the batch's workers fault the pages in as they read
      // them, on every core, instead of one thread mapping the whole file first.
      if let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED {
        return Input(name: path, mapping: UnsafeRawPointer(base), count: size)
      }
    }
    return Input(name: path, bytes: try readAll(fd, path: path, limit: limit))
  }

  /// Reads a file descriptor to its end straight into one array (no `Data`, no
  /// second copy): a 40 MB batch is read with a handful of `read` calls.
  static func readAll(_ fd: Int32, path: String, limit: Int) throws(LoadError) -> [UInt8] {
    var info = stat()
    let expected = fstat(fd, &info) == 0 ? max(0, Int(info.st_size)) : 0
    var bytes: [UInt8] = []
    // One byte more than the size, so the first chunk already sees the end of the file.
    var chunkSize = min(expected, limit) + 1
    while true {
      var failed = false
      let chunk = [UInt8](unsafeUninitializedCapacity: chunkSize) { buffer, count in
        count = 0
        guard let base = buffer.baseAddress else { return }
        while count < buffer.count {
          let n = read(fd, base + count, buffer.count - count)
          if n < 0 && errno == EINTR { continue }
          if n < 0 { failed = true }
          if n <= 0 { break }
          count += n
        }
      }
      if failed { throw .unreadable(path: path, reason: "read failed") }
      let full = chunk.count == chunkSize
      if bytes.isEmpty { bytes = chunk } else { bytes.append(contentsOf: chunk) }
      if bytes.count > limit { throw .tooLarge(path: path, bytes: bytes.count, limit: limit) }
      if !full { return bytes }
      chunkSize = 4 << 20
    }
  }
}
