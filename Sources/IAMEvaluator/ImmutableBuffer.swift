/// Reading the immutable one-allocation objects (`Request.Storage`,
/// `ApplicablePolicies.Storage`): a header, then raw bytes counted in 8-byte words.
///
/// Both are written once when made and never after, so their header and bytes are read
/// through addresses: `header` is a class property, and each access to it would pay a
/// dynamic exclusivity check. The addresses stay valid while the object is alive (a
/// `ManagedBuffer` never moves its storage).
extension ManagedBuffer where Element == UInt64 {
  @inline(__always) var fields: UnsafePointer<Header> {
    withUnsafeMutablePointerToHeader { UnsafePointer($0) }
  }

  /// The bytes after the header.
  @inline(__always) var tail: UnsafeRawPointer {
    withUnsafeMutablePointerToElements { UnsafeRawPointer($0) }
  }

  /// The bytes after the header, for filling them once when the object is made.
  @inline(__always) var mutableTail: UnsafeMutableRawPointer {
    withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0) }
  }
}
