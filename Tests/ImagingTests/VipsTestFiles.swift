import CVips
import Foundation
import Imaging
import Testing

/// Writes test inputs with libvips itself, so each test can make exactly the file it needs
/// (16-bit, CMYK, EXIF-rotated, animated, huge) without shipping binary fixtures.
enum VipsTestFiles {
  /// Makes an image from raw samples, tags its interpretation, optionally sets int metadata,
  /// and saves it; the format follows `path`'s suffix and options may follow in brackets,
  /// e.g. `"/tmp/x.jpg[Q=95]"`.
  static func write(
    _ samples: [UInt8], width: Int, height: Int, bands: Int,
    interpretation: VipsInterpretation, metadata: [String: Int32] = [:], to path: String
  ) throws {
    try write(
      bytes: samples, format: VIPS_FORMAT_UCHAR, width: width, height: height, bands: bands,
      interpretation: interpretation, metadata: metadata, to: path)
  }

  /// 16-bit version of ``write(_:width:height:bands:interpretation:metadata:to:)``.
  static func write16(
    _ samples: [UInt16], width: Int, height: Int, bands: Int,
    interpretation: VipsInterpretation, to path: String
  ) throws {
    try write(
      bytes: samples, format: VIPS_FORMAT_USHORT, width: width, height: height, bands: bands,
      interpretation: interpretation, metadata: [:], to: path)
  }

  /// A black `width x height` RGB JPEG, streamed by libvips (never fully in memory).
  static func writeBlackJPEG(width: Int, height: Int, to path: String) throws {
    _ = vips_init("regionkit-tests")
    var black: UnsafeMutablePointer<VipsImage>?
    try #require(rk_vips_black(&black, Int32(width), Int32(height), 3) == 0, "\(message())")
    let image = try #require(black)
    defer { g_object_unref(UnsafeMutableRawPointer(image)) }
    var cast: UnsafeMutablePointer<VipsImage>?
    try #require(rk_vips_cast(image, &cast, VIPS_FORMAT_UCHAR) == 0, "\(message())")
    let uchar = try #require(cast)
    defer { g_object_unref(UnsafeMutableRawPointer(uchar)) }
    try #require(rk_vips_image_write_to_file(uchar, path) == 0, "\(message())")
  }

  private static func write<Sample>(
    bytes samples: [Sample], format: VipsBandFormat, width: Int, height: Int, bands: Int,
    interpretation: VipsInterpretation, metadata: [String: Int32], to path: String
  ) throws {
    precondition(samples.count == width * height * bands, "VipsTestFiles: wrong sample count")
    _ = vips_init("regionkit-tests")
    let made = samples.withUnsafeBytes { buffer in
      vips_image_new_from_memory_copy(
        buffer.baseAddress, buffer.count, Int32(width), Int32(height), Int32(bands), format)
    }
    let raw = try #require(made, "\(message())")
    defer { g_object_unref(UnsafeMutableRawPointer(raw)) }
    var tagged: UnsafeMutablePointer<VipsImage>?
    try #require(rk_vips_copy_interpretation(raw, &tagged, interpretation) == 0, "\(message())")
    let image = try #require(tagged)
    defer { g_object_unref(UnsafeMutableRawPointer(image)) }
    for (name, value) in metadata { vips_image_set_int(image, name, value) }
    try #require(rk_vips_image_write_to_file(image, path) == 0, "\(message())")
  }

  private static func message() -> String {
    String(cString: vips_error_buffer())
  }
}
