// IAM compares action names, service prefixes and condition key names ignoring case. All of
// them are ASCII in the data, so comparing UTF-8 bytes with ASCII folding avoids allocating
// lowercased copies on every lookup.

@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 {
  byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
}

/// Negative, zero or positive as `a` sorts before, equal to or after `b`, ignoring ASCII case.
func compareIgnoringASCIICase(_ a: String, _ b: String) -> Int {
  var left = a.utf8.makeIterator()
  var right = b.utf8.makeIterator()
  while true {
    switch (left.next(), right.next()) {
    case (nil, nil): return 0
    case (nil, _): return -1
    case (_, nil): return 1
    case (let l?, let r?):
      let (x, y) = (asciiLowercased(l), asciiLowercased(r))
      if x != y { return x < y ? -1 : 1 }
    }
  }
}

/// The string with ASCII letters lowercased; other bytes are kept.
func asciiLowercasedString(_ text: String) -> String {
  String(decoding: text.utf8.map(asciiLowercased), as: UTF8.self)
}

extension Array {
  /// The element whose key equals `target` ignoring ASCII case, in an array sorted that way.
  func binarySearch(_ target: String, key: (Element) -> String) -> Element? {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      let order = compareIgnoringASCIICase(key(self[middle]), target)
      if order == 0 { return self[middle] }
      if order < 0 { low = middle + 1 } else { high = middle }
    }
    return nil
  }

  /// Whether the array is sorted by key ignoring ASCII case, which `binarySearch` relies on.
  func isSortedIgnoringASCIICase(by key: (Element) -> String) -> Bool {
    guard count > 1 else { return true }
    for index in 1..<count
    where compareIgnoringASCIICase(key(self[index - 1]), key(self[index])) > 0 {
      return false
    }
    return true
  }

  /// The array sorted by key ignoring ASCII case; a no-op (one pass) when already sorted.
  func sortedIgnoringASCIICase(by key: (Element) -> String) -> [Element] {
    isSortedIgnoringASCIICase(by: key)
      ? self : sorted { compareIgnoringASCIICase(key($0), key($1)) < 0 }
  }
}
