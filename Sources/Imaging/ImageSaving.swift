import CVips
import Foundation

/// A file format ``Image`` can be written in.
public enum ImageEncoding: Sendable, Hashable {
  /// Lossless PNG, 8 bits per sample.
  case png
  /// PNG with a palette of at most 256 colours, chosen and dithered by libimagequant
  /// (libvips' `pngsave` with `palette`): about a third of the size of ``png`` for photos,
  /// with box outlines and labels still crisp. For pictures in documentation. A libvips
  /// built without a quantiser writes a plain PNG.
  case palettePNG
  /// Baseline JPEG, 8 bits per sample, with libvips' `Q` quality from 1 (smallest) to 100
  /// (best).
  case jpeg(quality: Int)

  /// JPEG at quality 90, a good default for overlays and previews.
  public static let jpeg = ImageEncoding.jpeg(quality: 90)

  /// The encoding a file name's extension asks for: `.png`, `.jpg` / `.jpeg` (quality 90),
  /// or `nil` for any other extension.
  ///
  /// - Parameter pathExtension: the extension without the dot, any letter case.
  public init?(pathExtension: String) {
    switch pathExtension.lowercased() {
    case "png": self = .png
    case "jpg", "jpeg": self = .jpeg
    default: return nil
    }
  }

  /// `"png"` or `"jpeg"`.
  public var name: String {
    switch self {
    case .png, .palettePNG: "png"
    case .jpeg: "jpeg"
    }
  }
}

extension Image {
  /// Encodes the image as PNG or JPEG bytes.
  ///
  /// Samples are clamped to [0, 1] (NaN becomes 0) and rounded to 8 bits (`round(v * 255)`), so a PNG
  /// round trip returns every sample within 0.5/255. 1-channel images are written as grey,
  /// 3-channel as RGB; PNG also takes 2 (grey + alpha) and 4 (RGBA) channels.
  ///
  ///     let png = try image.encoded(as: .png)
  ///     let small = try image.encoded(as: .jpeg(quality: 75))
  ///
  /// - Parameter encoding: the format. Default: none (required).
  /// - Returns: the encoded file's bytes.
  /// - Throws: ``ImagingError/cannotEncode(format:reason:)`` for a channel count the format
  ///   cannot hold or a quality outside 1...100, or with libvips' message.
  /// - Complexity: O(pixels).
  public func encoded(as encoding: ImageEncoding) throws(ImagingError) -> Data {
    let isPNG = encoding == .png || encoding == .palettePNG
    let allowed: ClosedRange<Int> = isPNG ? 1...4 : 1...3
    guard allowed.contains(channels), channels != 2 || isPNG else {
      throw .cannotEncode(format: encoding.name, reason: "\(channels) channels are not supported")
    }
    if case .jpeg(let quality) = encoding, !(1...100).contains(quality) {
      throw .cannotEncode(format: encoding.name, reason: "quality \(quality) is outside 1...100")
    }
    try VipsRuntime.start()
    let bytes = pixels.map { $0.isNaN ? 0 : UInt8((min(max($0, 0), 1) * 255).rounded()) }
    return try VipsRuntime.run { () throws(ImagingError) in try encode(bytes, as: encoding) }
  }

  /// One libvips pass of ``encoded(as:)`` over the 8-bit samples.
  private func encode(_ bytes: [UInt8], as encoding: ImageEncoding) throws(ImagingError) -> Data {
    let made: VipsImagePointer? = bytes.withUnsafeBytes { buffer in
      VipsRuntime.clearError()
      return vips_image_new_from_memory_copy(
        buffer.baseAddress, buffer.count, Int32(width), Int32(height), Int32(channels),
        VIPS_FORMAT_UCHAR)
    }
    guard let image = made else {
      throw .cannotEncode(format: encoding.name, reason: VipsRuntime.takeErrorMessage())
    }
    let space = channels >= 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W
    let tagged: VipsImagePointer
    switch VipsRuntime.transform(image, { rk_vips_copy_interpretation($0, $1, space) }) {
    case .success(let output): tagged = output
    case .failure(let failure): throw .cannotEncode(format: encoding.name, reason: failure.message)
    }
    defer { VipsRuntime.release(tagged) }

    VipsRuntime.clearError()
    var buffer: UnsafeMutableRawPointer?
    var length = 0
    let status: Int32
    switch encoding {
    case .png: status = rk_vips_pngsave_buffer(tagged, &buffer, &length)
    case .palettePNG: status = rk_vips_pngsave_buffer_palette(tagged, &buffer, &length)
    case .jpeg(let quality):
      status = rk_vips_jpegsave_buffer(tagged, &buffer, &length, Int32(quality))
    }
    guard status == 0, let buffer else {
      throw .cannotEncode(format: encoding.name, reason: VipsRuntime.takeErrorMessage())
    }
    defer { g_free(buffer) }
    return Data(bytes: buffer, count: length)
  }

  /// Writes the image as a PNG or JPEG file, atomically (a temporary file renamed into place,
  /// so readers never see half a file).
  ///
  ///     try overlay.write(to: URL(fileURLWithPath: "out/overlay.png"))
  ///     try overlay.write(to: URL(fileURLWithPath: "out/overlay.jpg"), as: .jpeg(quality: 80))
  ///
  /// - Parameters:
  ///   - url: the file to write; its folder must exist.
  ///   - encoding: the format, or `nil` to choose it from the extension (`.png`, `.jpg`,
  ///     `.jpeg`). Default: `nil`.
  /// - Throws: ``ImagingError/cannotWrite(file:reason:)`` for an unknown extension without
  ///   `encoding` or a failed write; ``ImagingError/cannotEncode(format:reason:)`` as
  ///   ``encoded(as:)``.
  /// - Complexity: O(pixels).
  public func write(to url: URL, as encoding: ImageEncoding? = nil) throws(ImagingError) {
    guard let encoding = encoding ?? ImageEncoding(pathExtension: url.pathExtension) else {
      throw .cannotWrite(
        file: url.path,
        reason:
          "unknown extension \"\(url.pathExtension)\"; use .png, .jpg or .jpeg, or pass an encoding"
      )
    }
    let data = try encoded(as: encoding)
    do {
      try data.write(to: url, options: .atomic)
    } catch {
      throw .cannotWrite(file: url.path, reason: error.localizedDescription)
    }
  }
}
