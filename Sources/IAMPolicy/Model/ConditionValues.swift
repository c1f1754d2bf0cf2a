/// Numbers as IAM's Numeric operators read them: integers and decimals.
public enum NumericValue {
  public static func parse(_ text: String) -> Double? {
    let t = text.trimmingSpaces()
    guard !t.isEmpty, t.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65 || $0 == 0x45 })
    else { return nil }
    guard let value = Double(t), value.isFinite else { return nil }
    return value
  }
}

/// Booleans as IAM's Bool and Null operators read them (`true`/`false`, any case).
public enum BoolValue {
  public static func parse(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "true": true
    case "false": false
    default: nil
    }
  }
}

/// Dates for the Date operators: ISO 8601 (with or without time, fraction or
/// offset) or seconds since the epoch, as seconds since the epoch.
public enum DateValue {
  public static func parse(_ text: String) -> Double? {
    let t = text.trimmingSpaces()
    let bytes = Array(t.utf8)
    guard !bytes.isEmpty else { return nil }
    if bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) || (bytes.first == 0x2D && bytes.count > 1 && bytes.dropFirst().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })) {
      // Epoch seconds; an 8-digit run like 20240101 is still epoch, as AWS reads it.
      return Double(t)
    }
    var i = 0
    func number(_ count: Int) -> Int? {
      guard i + count <= bytes.count else { return nil }
      var v = 0
      for k in 0..<count {
        let b = bytes[i + k]
        guard b >= 0x30 && b <= 0x39 else { return nil }
        v = v * 10 + Int(b - 0x30)
      }
      i += count
      return v
    }
    func expect(_ c: UInt8) -> Bool {
      guard i < bytes.count, bytes[i] == c else { return false }
      i += 1
      return true
    }
    guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
      (1...12).contains(month), (1...31).contains(day)
    else { return nil }
    var seconds = Double(daysFromCivil(year, month, day)) * 86_400
    if i == bytes.count { return seconds }
    guard bytes[i] == 0x54 || bytes[i] == 0x74 || bytes[i] == 0x20 else { return nil }
    i += 1
    guard let hour = number(2), expect(0x3A), let minute = number(2), hour < 24, minute < 60 else { return nil }
    seconds += Double(hour * 3600 + minute * 60)
    if i < bytes.count && bytes[i] == 0x3A {
      i += 1
      guard let second = number(2), second <= 60 else { return nil }
      seconds += Double(second)
      if i < bytes.count && (bytes[i] == 0x2E || bytes[i] == 0x2C) {
        i += 1
        var scale = 0.1
        var fraction = 0.0
        var any = false
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
          fraction += Double(bytes[i] - 0x30) * scale
          scale /= 10
          i += 1
          any = true
        }
        guard any else { return nil }
        seconds += fraction
      }
    }
    if i == bytes.count { return seconds }
    if bytes[i] == 0x5A || bytes[i] == 0x7A {
      i += 1
      return i == bytes.count ? seconds : nil
    }
    guard bytes[i] == 0x2B || bytes[i] == 0x2D else { return nil }
    let sign: Double = bytes[i] == 0x2B ? 1 : -1
    i += 1
    guard let oh = number(2) else { return nil }
    _ = expect(0x3A)
    let om = number(2) ?? 0
    guard i == bytes.count else { return nil }
    return seconds - sign * Double(oh * 3600 + om * 60)
  }

  /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
  static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (m + 9) % 12
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }
}

/// An IPv4 or IPv6 address with a prefix length; no prefix means one address.
public struct IPNetwork: Sendable, Hashable {
  public var isIPv6: Bool
  /// 4 or 16 bytes, host bits cleared.
  public var bytes: [UInt8]
  public var prefix: Int

  public init?(_ text: String) {
    let t = text.trimmingSpaces()
    var addressText = Substring(t)
    var prefix: Int?
    if let slash = t.firstIndex(of: "/") {
      addressText = t[..<slash]
      guard let p = Int(t[t.index(after: slash)...]) else { return nil }
      prefix = p
    }
    if let v4 = IPNetwork.parseIPv4(addressText) {
      let p = prefix ?? 32
      guard (0...32).contains(p) else { return nil }
      self.init(isIPv6: false, bytes: v4, prefix: p)
    } else if let v6 = IPNetwork.parseIPv6(addressText) {
      let p = prefix ?? 128
      guard (0...128).contains(p) else { return nil }
      self.init(isIPv6: true, bytes: v6, prefix: p)
    } else {
      return nil
    }
  }

  init(isIPv6: Bool, bytes: [UInt8], prefix: Int) {
    self.isIPv6 = isIPv6
    self.prefix = prefix
    var masked = bytes
    for i in 0..<masked.count {
      let bitsHere = max(0, min(8, prefix - i * 8))
      let mask: UInt8 = bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsHere))
      masked[i] &= mask
    }
    self.bytes = masked
  }

  /// A plain dotted IPv4 address (no spaces, no prefix) as a 32-bit value, read
  /// without allocating: `aws:SourceIp` is compared on every request, and this is
  /// its usual form. nil for anything else, which `init?(_:)` then reads.
  public static func ipv4Value(_ text: String) -> UInt32? {
    var value: UInt32 = 0
    var part: UInt32 = 0
    var digits = 0
    var dots = 0
    for b in text.utf8 {
      if b == UInt8(ascii: ".") {
        guard digits > 0, dots < 3 else { return nil }
        value = value << 8 | part
        part = 0
        digits = 0
        dots += 1
      } else if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
        digits += 1
        part = part * 10 + UInt32(b - UInt8(ascii: "0"))
        guard digits <= 3, part <= 255 else { return nil }
      } else {
        return nil
      }
    }
    guard digits > 0, dots == 3 else { return nil }
    return value << 8 | part
  }

  /// Whether the network contains the IPv4 address `ipv4Value` read; the same answer as
  /// `contains(IPNetwork(text)!)` for such an address.
  public func contains(ipv4 address: UInt32) -> Bool {
    guard !isIPv6, bytes.count == 4 else { return false }
    let network = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
    let mask: UInt32 = prefix == 0 ? 0 : ~0 << UInt32(32 - prefix)
    return address & mask == network
  }

  /// Whether the network contains an address (itself a network of full length).
  public func contains(_ address: IPNetwork) -> Bool {
    var other = address.bytes
    var otherIsV6 = address.isIPv6
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address.
    if !isIPv6 && otherIsV6 && other.count == 16 && other[0..<10].allSatisfy({ $0 == 0 }) && other[10] == 0xFF && other[11] == 0xFF {
      other = Array(other[12..<16])
      otherIsV6 = false
    }
    guard isIPv6 == otherIsV6 else { return false }
    let masked = IPNetwork(isIPv6: isIPv6, bytes: other, prefix: prefix)
    return masked.bytes == bytes
  }

  /// Four dot-separated decimal parts of one to three digits, each at most 255.
  ///
  /// Read over UTF-8 bytes: conditions compare `aws:SourceIp` on every request, and
  /// a non-ASCII byte is never a digit, so this is the same test as per character.
  static func parseIPv4(_ text: Substring) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(4)
    var value = 0
    var digits = 0
    for b in text.utf8 {
      if b == UInt8(ascii: ".") {
        guard digits > 0, out.count < 3 else { return nil }
        out.append(UInt8(value))
        value = 0
        digits = 0
      } else if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
        digits += 1
        value = value * 10 + Int(b - UInt8(ascii: "0"))
        guard digits <= 3, value <= 255 else { return nil }
      } else {
        return nil
      }
    }
    guard digits > 0, out.count == 3 else { return nil }
    out.append(UInt8(value))
    return out
  }

  static func parseIPv6(_ text: Substring) -> [UInt8]? {
    guard text.contains(":") else { return nil }
    var head: [UInt16] = []
    var tail: [UInt16] = []
    var text = text
    var embeddedV4: [UInt8]?
    if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
      guard let v4 = parseIPv4(text[text.index(after: lastColon)...]) else { return nil }
      embeddedV4 = v4
      text = text[...lastColon]
      if text.hasSuffix("::") { } else { text = text.dropLast() }
    }
    var halves: [String] = []
    if let r = text.firstRange(of: "::") {
      halves = [String(text[..<r.lowerBound]), String(text[r.upperBound...])]
      if halves[1].contains("::") { return nil }
    } else {
      halves = [String(text)]
    }
    guard halves.count <= 2 else { return nil }
    func groups(_ s: String) -> [UInt16]? {
      if s.isEmpty { return [] }
      var out: [UInt16] = []
      for g in s.split(separator: ":", omittingEmptySubsequences: false) {
        guard !g.isEmpty, g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
        out.append(v)
      }
      return out
    }
    guard let h = groups(halves[0]) else { return nil }
    head = h
    if halves.count == 2 {
      guard let t = groups(halves[1]) else { return nil }
      tail = t
    }
    let v4Groups = embeddedV4 == nil ? 0 : 2
    let total = head.count + tail.count + v4Groups
    if halves.count == 1 {
      guard total == 8 else { return nil }
    } else {
      guard total <= 7 else { return nil }
    }
    var all = head
    if halves.count == 2 { all += Array(repeating: 0, count: 8 - total) }
    all += tail
    var out: [UInt8] = []
    for g in all {
      out.append(UInt8(g >> 8))
      out.append(UInt8(g & 0xFF))
    }
    if let v4 = embeddedV4 { out += v4 }
    return out.count == 16 ? out : nil
  }
}
