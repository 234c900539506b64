/// The 64-bit FNV-1a hash: a fast, stable, non-cryptographic hash of bytes.
///
/// The same bytes give the same hash on every machine, every run and every Swift version
/// (unlike `Hasher`, which is seeded per process), which is what shard assignment and run
/// fingerprints need.
///
///     var hash = FNV1a64()
///     hash.combine("images/0001.jpg")
///     let shard = hash.value % 8
///
/// - Complexity: O(*n*) for *n* bytes.
///
/// Reference: G. Fowler, L. C. Noll, K.-P. Vo, D. Eastlake, "The FNV Non-Cryptographic Hash
/// Algorithm", IETF draft-eastlake-fnv (offset basis 14695981039346656037, prime 1099511628211).
public struct FNV1a64: Sendable, Hashable {
  /// The hash of everything combined so far. Default: the FNV-1a 64 offset basis.
  public private(set) var value: UInt64 = 14_695_981_039_346_656_037

  public init() {}

  /// Mixes `bytes` into the hash.
  public mutating func combine(bytes: some Sequence<UInt8>) {
    for byte in bytes {
      value ^= UInt64(byte)
      value &*= 1_099_511_628_211
    }
  }

  /// Mixes the UTF-8 bytes of `text` into the hash.
  public mutating func combine(_ text: String) {
    combine(bytes: text.utf8)
  }

  /// The hash of the UTF-8 bytes of `text`.
  public static func hash(_ text: String) -> UInt64 {
    var hasher = FNV1a64()
    hasher.combine(text)
    return hasher.value
  }
}
