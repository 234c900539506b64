/// Detects JPEG files cut off before their end-of-image marker (internal).
///
/// libvips 8.14 reports a JPEG cut in the middle as truncated, but not one cut within its
/// last few percent: libjpeg pads the missing rows with grey and only warns, and
/// `vips_thumbnail_source` does not report truncation at all. So before decoding,
/// the marker structure is walked: segments by their lengths, entropy-coded data up to the
/// next marker (skipping stuffed `FF 00` and restart markers), until `EOI` (`FF D9`). Data
/// after `EOI` (e.g. a motion photo's video) is ignored.
///
/// Reference: ITU-T T.81 (JPEG), Annex B, "Compressed data formats".
enum JPEGCompleteness {
  /// Whether `bytes` start as a JPEG (`FF D8`) and end before its `EOI` marker. Data that is
  /// not a JPEG, or whose structure is damaged in another way, gives `false`: libvips judges it.
  static func isTruncated(_ bytes: UnsafeRawBufferPointer) -> Bool {
    let count = bytes.count
    guard count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return false }
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
