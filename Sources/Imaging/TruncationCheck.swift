/// Detects JPEG, PNG and WebP data cut off before its end, from the container structure,
/// before libvips decodes it (internal).
///
/// libvips 8.14 does not always report such files: a JPEG cut within its last few percent
/// decodes with grey rows (libjpeg only warns), `vips_thumbnail_source` ignores `fail_on`,
/// and whether a PNG cut just before its end fails depends on thread timing. The structure
/// walk is deterministic and cheap (segment and chunk lengths, no decompression):
/// - JPEG: segments by their lengths, entropy-coded data up to the next marker (skipping
///   stuffed `FF 00` and restart markers), until `EOI` (`FF D9`);
/// - PNG: chunks (length, type, data, CRC) until `IEND`;
/// - WebP: the RIFF header's size against the data's.
/// Data after the end (e.g. a motion photo's video after a JPEG's `EOI`) is ignored; other
/// formats, and structure damaged in other ways, are left to libvips.
///
/// Reference: ITU-T T.81 (JPEG) Annex B; W3C PNG Specification (Second Edition) §5;
/// Google, "WebP Container Specification" (RIFF header).
enum TruncationCheck {
  /// Whether `bytes` are a JPEG, PNG or WebP file that ends before its structure does.
  static func isTruncated(_ bytes: UnsafeRawBufferPointer) -> Bool {
    if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 { return isTruncatedJPEG(bytes) }
    if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
      return isTruncatedPNG(bytes)
    }
    if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)),
      Array(bytes[8..<12]) == Array("WEBP".utf8)
    {
      let size = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24
      return 8 + size > bytes.count
    }
    return false
  }

  /// PNG: 8-byte signature, then chunks of 4-byte big-endian length, 4-byte type, data and
  /// 4-byte CRC, the last of type `IEND`.
  private static func isTruncatedPNG(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var index = 8
    while true {
      guard index + 8 <= bytes.count else { return true }
      let length =
        Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8
        | Int(bytes[index + 3])
      let isEnd =
        bytes[index + 4] == 0x49 && bytes[index + 5] == 0x45 && bytes[index + 6] == 0x4E
        && bytes[index + 7] == 0x44  // "IEND"
      index += 12 + length
      if index > bytes.count { return true }
      if isEnd { return false }
    }
  }

  /// JPEG: whether the data ends before its `EOI` marker. Damaged structure gives `false`.
  private static func isTruncatedJPEG(_ bytes: UnsafeRawBufferPointer) -> Bool {
    let count = bytes.count
    var index = 2
    while true {
      guard index + 1 < count else { return true }
      guard bytes[index] == 0xFF else { return false }
      let marker = bytes[index + 1]
      if marker == 0xFF {  // fill byte before a marker
        index += 1
        continue
      }
      index += 2
      switch marker {
      case 0xD9:
        return false
      case 0x01, 0xD0...0xD7:  // TEM and restart markers have no length
        continue
      default:
        guard index + 1 < count else { return true }
        let length = Int(bytes[index]) << 8 | Int(bytes[index + 1])
        guard length >= 2 else { return false }
        index += length
        if index > count { return true }
        if marker == 0xDA {  // start of scan: skip the entropy-coded data
          while true {
            guard index + 1 < count else { return true }
            if bytes[index] == 0xFF {
              let next = bytes[index + 1]
              if next == 0x00 || (0xD0...0xD7).contains(next) {
                index += 2
                continue
              }
              break
            }
            index += 1
          }
        }
      }
    }
  }
}
