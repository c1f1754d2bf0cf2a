import Yams

/// The YAML front matter of a lesson file: a leading `---` … `---` block.
///
/// cmark-gfm has no front-matter support, so the block is split off before parsing and its
/// line count is kept, letting positions in the body be reported as lines of the whole file.
public enum FrontMatter {
  /// Splits a leading front-matter block from `text`.
  ///
  /// - Returns: the YAML between the fences (nil when the file does not start with `---`
  ///   or the block is never closed), the rest of the file, and how many lines precede the
  ///   body (add it to body line numbers).
  public static func split(_ text: String) -> (yaml: String?, body: String, bodyLineOffset: Int) {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
    guard let first = lines.first, isFence(first) else { return (nil, text, 0) }
    lines = lines.dropFirst()
    guard let closing = lines.firstIndex(where: isFence) else { return (nil, text, 0) }
    let yaml = lines[..<closing].map { $0 + "\n" }.joined()
    let body = lines[(closing + 1)...].joined(separator: "\n")
    return (yaml, body, closing + 1)
  }

  /// Decodes front-matter YAML into `T`, reporting YAML syntax errors as file lines.
  ///
  /// - Parameter lineOffset: lines before the YAML in the file; 1 for a `split` result,
  ///   whose YAML starts after the opening `---`.
  public static func decode<T: Decodable>(
    _ type: T.Type, from yaml: String, lineOffset: Int = 1
  ) throws(FrontMatterError) -> T {
    do {
      return try YAMLDecoder().decode(type, from: yaml)
    } catch let error as YamlError {
      throw FrontMatterError(error, lineOffset: lineOffset)
    } catch let error as DecodingError {
      // YAMLDecoder reports syntax errors as `dataCorrupted` around the YamlError.
      if case .dataCorrupted(let context) = error, let yaml = context.underlyingError as? YamlError
      {
        throw FrontMatterError(yaml, lineOffset: lineOffset)
      }
      throw FrontMatterError(error)
    } catch {
      throw FrontMatterError(message: "\(error)", line: nil)
    }
  }

  private static func isFence(_ line: Substring) -> Bool {
    line.trimmingTrailingWhitespace == "---"
  }
}

/// Front matter that is not valid YAML or does not have the expected shape.
public struct FrontMatterError: Error, Sendable, Equatable {
  /// Lowercase, without a final period, in the house diagnostic style.
  public var message: String
  /// 1-based line in the lesson file, when the YAML parser knows it.
  public var line: Int?

  public init(message: String, line: Int?) {
    self.message = message
    self.line = line
  }

  init(_ error: YamlError, lineOffset: Int) {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      self.init(message: problem, line: mark.line + lineOffset)
    case .duplicatedKeysInMapping(let duplicates, let context):
      self.init(
        message: "duplicate key `\(duplicates.joined(separator: "`, `"))`",
        line: context.mark.line + lineOffset)
    default:
      self.init(message: error.description, line: nil)
    }
  }

  init(_ error: DecodingError) {
    func path(_ keys: [any CodingKey]) -> String {
      keys.reduce(into: "") { path, key in
        if let index = key.intValue {
          path += "[\(index)]"
        } else {
          path += (path.isEmpty ? "" : ".") + key.stringValue
        }
      }
    }
    switch error {
    case .keyNotFound(let key, let context):
      self.init(message: "missing key `\(path(context.codingPath + [key]))`", line: nil)
    case .typeMismatch(_, let context), .valueNotFound(_, let context),
      .dataCorrupted(let context):
      self.init(
        message: "invalid value at `\(path(context.codingPath))`: \(context.debugDescription)",
        line: nil)
    @unknown default:
      self.init(message: "\(error)", line: nil)
    }
  }
}

extension Substring {
  fileprivate var trimmingTrailingWhitespace: Substring {
    var result = self
    while let last = result.last, last == " " || last == "\t" || last == "\r" {
      result.removeLast()
    }
    return result
  }
}
