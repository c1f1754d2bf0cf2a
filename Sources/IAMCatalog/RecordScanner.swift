/// Walks the records of a generated catalog text: one record per line, fields separated by
/// tabs, lists inside a field separated by commas; blank lines and `#` lines are skipped.
///
/// It works on UTF-8 bytes and makes a `String` only for fields the caller asks for, which is
/// what keeps loading the 20,000-action catalog to a few milliseconds.
struct RecordScanner: ~Copyable {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var position = 0
  private var fields: [Range<Int>] = []
  /// The 1-based line number of the current record.
  private(set) var line = 0

  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
    fields.reserveCapacity(8)
  }

  /// Moves to the next record; false at the end of the text.
  mutating func next() -> Bool {
    while position < bytes.count {
      line += 1
      let start = position
      var end = start
      while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
      position = end + 1
      if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
      if end == start || bytes[start] == UInt8(ascii: "#") { continue }
      fields.removeAll(keepingCapacity: true)
      var fieldStart = start
      for index in start..<end where bytes[index] == UInt8(ascii: "\t") {
        fields.append(fieldStart..<index)
        fieldStart = index + 1
      }
      fields.append(fieldStart..<end)
      return true
    }
    return false
  }

  var fieldCount: Int { fields.count }

  /// The record's tag: its first field.
  var tag: String { string(0) }

  /// The first byte of field `index`, or nil when the field is empty or missing.
  func firstByte(_ index: Int) -> UInt8? {
    guard index < fields.count, !fields[index].isEmpty else { return nil }
    return bytes[fields[index].lowerBound]
  }

  /// Field `index` as text; empty when missing.
  func string(_ index: Int) -> String {
    guard index < fields.count else { return "" }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[fields[index]]), as: UTF8.self)
  }

  /// Field `index` split on commas; empty when the field is empty or missing.
  func list(_ index: Int) -> [String] {
    var items: [String] = []
    forEachItem(index) { items.append(String(decoding: $0, as: UTF8.self)) }
    return items
  }

  /// Calls `body` with the bytes of each comma-separated item of field `index`.
  func forEachItem(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    guard index < fields.count, !fields[index].isEmpty else { return }
    let range = fields[index]
    var itemStart = range.lowerBound
    for position in range where bytes[position] == UInt8(ascii: ",") {
      body(UnsafeBufferPointer(rebasing: bytes[itemStart..<position]))
      itemStart = position + 1
    }
    body(UnsafeBufferPointer(rebasing: bytes[itemStart..<range.upperBound]))
  }

  /// Field `index` as a non-negative decimal integer, or nil.
  func integer(_ index: Int) -> Int? {
    guard index < fields.count, !fields[index].isEmpty, fields[index].count < 19 else {
      return nil
    }
    var value = 0
    for position in fields[index] {
      let digit = bytes[position] &- UInt8(ascii: "0")
      guard digit < 10 else { return nil }
      value = value * 10 + Int(digit)
    }
    return value
  }

  /// Throws unless the record has at least `count` fields. Extra fields are ignored so that
  /// a newer generator can append columns without breaking an older loader.
  func require(_ count: Int) throws(CatalogFormatError) {
    guard fields.count >= count else {
      throw CatalogFormatError(
        line: line, reason: .tooFewFields(record: tag, expected: count, found: fields.count))
    }
  }
}

extension String {
  /// Runs `body` over the string's UTF-8 bytes without copying when they are contiguous.
  func withUTF8Bytes<R>(
    _ body: (UnsafeBufferPointer<UInt8>) throws(CatalogFormatError) -> R
  ) throws(CatalogFormatError) -> R {
    var text = self
    let result: Result<R, CatalogFormatError> = text.withUTF8 { bytes in
      do throws(CatalogFormatError) { return .success(try body(bytes)) } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }
}
