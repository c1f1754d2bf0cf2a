@testable import IAMSimulator
import Testing

/// The batch reader recognises top-level keys by their bytes; anything else goes to the
/// generic reader, which reports it.
@Suite struct CleanKeyRecognition {
  static func key(_ text: String) -> CleanKey? {
    Array(text.utf8).withUnsafeBufferPointer { CleanKey($0) }
  }

  @Test(arguments: CleanKey.allCases)
  func everyKeyByItsName(_ key: CleanKey) {
    #expect(Self.key(key.name) == key)
    // The same length, one letter off; another case; a letter more or less.
    var changed = Array(key.name.utf8)
    changed[changed.count - 1] ^= 0x01
    #expect(Self.key(String(decoding: changed, as: UTF8.self)) == nil)
    #expect(Self.key(key.name.lowercased()) == nil)
    #expect(Self.key(key.name + "s") == nil)
    #expect(Self.key(String(key.name.dropLast())) == nil)
  }

  @Test func otherKeys() {
    for text in ["", "P", "ServiceControlPolicyInputList", "ResourceControlPolicyInputList", "Bogus", "Policy\\u0049nputList"] {
      #expect(Self.key(text) == nil)
    }
  }
}
