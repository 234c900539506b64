import CVips
import Foundation

/// Anti-aliased text coverage rendered by libvips (`vips_text`, Pango): `coverage` holds
/// `height` rows of `width` values in [0, 1], 1 where the glyphs are fully inked (internal).
struct TextMask {
  let width: Int
  let height: Int
  let coverage: [Float]

  /// Renders `text` in the default sans-serif font.
  ///
  /// - Parameters:
  ///   - text: plain text; Pango markup characters (`&`, `<`, `>`) are escaped.
  ///   - fontSize: the font size in pixels (points at 72 dpi).
  /// - Throws: ``ImagingError/cannotRenderText(text:reason:)`` with libvips' message.
  static func render(_ text: String, fontSize: Int) throws(ImagingError) -> TextMask {
    try VipsRuntime.start()
    return try VipsRuntime.run { () throws(ImagingError) in try renderOnce(text, fontSize: fontSize)
    }
  }

  private static func renderOnce(_ text: String, fontSize: Int) throws(ImagingError) -> TextMask {
    let escaped =
      text
      .replacingOccurrences(of: "&", with: "&amp;")
      .replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
    VipsRuntime.clearError()
    var output: UnsafeMutablePointer<VipsImage>?
    guard rk_vips_text(&output, escaped, "sans \(fontSize)", 72) == 0, let output else {
      throw .cannotRenderText(text: text, reason: VipsRuntime.takeErrorMessage())
    }
    defer { VipsRuntime.release(output) }
    var size = 0
    guard vips_image_get_format(output) == VIPS_FORMAT_UCHAR,
      vips_image_get_bands(output) == 1,
      let raw = vips_image_write_to_memory(output, &size)
    else {
      throw .cannotRenderText(text: text, reason: VipsRuntime.takeErrorMessage())
    }
    defer { g_free(raw) }
    let bytes = UnsafeBufferPointer(
      start: raw.bindMemory(to: UInt8.self, capacity: size), count: size)
    return TextMask(
      width: Int(vips_image_get_width(output)), height: Int(vips_image_get_height(output)),
      coverage: bytes.map { Float($0) / 255 })
  }
}
