/// A JSON value to write, with object members in the order given.
///
/// AWS response documents have a fixed key order that people diff against;
/// Foundation's encoder on Linux sorts or shuffles keys, so we write our own.
public indirect enum JSONOutput: Sendable, Equatable {
  case object([(String, JSONOutput)])
  case array([JSONOutput])
  case string(String)
  case number(Double)
  case integer(Int)
  case bool(Bool)
  case null

  public static func == (a: JSONOutput, b: JSONOutput) -> Bool {
    switch (a, b) {
    case (.object(let x), .object(let y)):
      x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    case (.array(let x), .array(let y)): x == y
    case (.string(let x), .string(let y)): x == y
    case (.number(let x), .number(let y)): x == y
    case (.integer(let x), .integer(let y)): x == y
    case (.bool(let x), .bool(let y)): x == y
    case (.null, .null): true
    default: false
    }
  }

  /// Compact (one line) or indented with two spaces.
  public func serialized(pretty: Bool = false) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    write(into: &out, pretty: pretty, indent: 0)
    return String(decoding: out, as: UTF8.self)
  }

  public func write(into out: inout [UInt8], pretty: Bool, indent: Int) {
    switch self {
    case .object(let members):
      if members.isEmpty {
        out.append(contentsOf: [0x7B, 0x7D])
        return
      }
      out.append(0x7B)
      for (i, (key, value)) in members.enumerated() {
        if i > 0 { out.append(0x2C) }
        if pretty { newline(&out, indent + 1) }
        JSONOutput.writeString(key, into: &out)
        out.append(0x3A)
        if pretty { out.append(0x20) }
        value.write(into: &out, pretty: pretty, indent: indent + 1)
      }
      if pretty { newline(&out, indent) }
      out.append(0x7D)
    case .array(let elements):
      if elements.isEmpty {
        out.append(contentsOf: [0x5B, 0x5D])
        return
      }
      out.append(0x5B)
      for (i, value) in elements.enumerated() {
        if i > 0 { out.append(0x2C) }
        if pretty { newline(&out, indent + 1) }
        value.write(into: &out, pretty: pretty, indent: indent + 1)
      }
      if pretty { newline(&out, indent) }
      out.append(0x5D)
    case .string(let s):
      JSONOutput.writeString(s, into: &out)
    case .number(let d):
      if d.isFinite, abs(d) < 1e15, d == Double(Int64(d)) {
        out.append(contentsOf: Array(String(Int(d)).utf8))
      } else if d.isFinite {
        out.append(contentsOf: Array(String(d).utf8))
      } else {
        out.append(contentsOf: Array("null".utf8))
      }
    case .integer(let i):
      out.append(contentsOf: Array(String(i).utf8))
    case .bool(let b):
      out.append(contentsOf: Array((b ? "true" : "false").utf8))
    case .null:
      out.append(contentsOf: Array("null".utf8))
    }
  }

  private func newline(_ out: inout [UInt8], _ level: Int) {
    out.append(0x0A)
    for _ in 0..<(level * 2) { out.append(0x20) }
  }

  public static func writeString(_ s: String, into out: inout [UInt8]) {
    out.append(0x22)
    // Most strings (names, ARNs) need no escaping: copy their bytes in one go.
    let plain: Bool? = s.utf8.withContiguousStorageIfAvailable { bytes in
      guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
      out.append(contentsOf: bytes)
      return true
    }
    if plain == true {
      out.append(0x22)
      return
    }
    for b in s.utf8 {
      switch b {
      case 0x22: out.append(contentsOf: [0x5C, 0x22])
      case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
      case 0x0D: out.append(contentsOf: [0x5C, 0x72])
      case 0x09: out.append(contentsOf: [0x5C, 0x74])
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
      default: out.append(b)
      }
    }
    out.append(0x22)
  }
}
