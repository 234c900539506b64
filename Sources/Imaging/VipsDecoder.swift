import CVips
import Foundation

/// Where the encoded bytes come from: a file path or memory (internal).
///
/// Every load opens a new `VipsSource`, so a rewritten file or reused buffer address never
/// hits a stale entry of the libvips operation cache (libvips 8.14 caches loads by argument).
enum VipsInput {
  case file(path: String)
  case memory(UnsafeRawBufferPointer)

  /// Opens a new source, or returns the libvips message.
  func openSource() -> Result<UnsafeMutablePointer<VipsSource>, VipsFailure> {
    VipsRuntime.clearError()
    let source: UnsafeMutablePointer<VipsSource>?
    switch self {
    case .file(let path):
      source = vips_source_new_from_file(path)
    case .memory(let bytes):
      source = vips_source_new_from_memory(bytes.baseAddress, bytes.count)
    }
    guard let source else { return .failure(VipsFailure(message: VipsRuntime.takeErrorMessage())) }
    return .success(source)
  }
}

/// The decode pipeline behind ``Image/init(contentsOf:maxSide:pixelLimit:decoding:)`` (internal).
///
/// header (lazy) → size check → shrink-on-load (JPEG `shrink`, sequential access,
/// `vips_thumbnail_image`) when over `maxSide` → `vips_autorot` → CMYK through ICC to sRGB, other colour spaces through
/// `vips_colourspace` → samples to Float in Swift: grey replicated to RGB, alpha flattened
/// onto white, divided by 255 or 65535.
enum VipsDecoder {
  /// The level at which load problems fail: warnings (e.g. extraneous bytes) too when
  /// `decoding` is strict, else truncated or corrupt data only.
  static func failOn(_ decoding: ImageDecoding) -> VipsFailOn {
    decoding.failsOnWarnings ? VIPS_FAIL_ON_WARNING : VIPS_FAIL_ON_ERROR
  }

  static func decode(
    _ input: VipsInput, name: String, maxSide: Int?, pixelLimit: Int, decoding: ImageDecoding
  ) throws(ImagingError) -> Image {
    try VipsRuntime.start()
    let header = try openHeader(input, name: name, decoding: decoding)
    let width = Int(vips_image_get_width(header))
    let height = Int(vips_image_get_height(header))
    let swapped = vips_image_get_orientation_swap(header) != 0
    let (uprightWidth, uprightHeight) = swapped ? (height, width) : (width, height)

    var image: VipsImagePointer
    if let maxSide, max(uprightWidth, uprightHeight) > maxSide {
      VipsRuntime.release(header)
      image = try shrinkOnLoad(
        input, name: name, longerSide: max(width, height), maxSide: maxSide, decoding: decoding)
    } else if width * height > pixelLimit {
      VipsRuntime.release(header)
      throw .tooLarge(file: name, width: uprightWidth, height: uprightHeight, limit: pixelLimit)
    } else {
      // Decode once, sequentially, so damaged data fails here; later steps (rotation) then
      // read from memory in any order.
      VipsRuntime.clearError()
      let decoded = vips_image_copy_memory(header)
      VipsRuntime.release(header)
      guard let decoded else { throw classify(VipsRuntime.takeErrorMessage(), file: name) }
      image = decoded
    }

    image = try step(image, name: name) { rk_vips_autorot($0, $1) }
    image = try toDisplayColourSpace(image, name: name)
    defer { VipsRuntime.release(image) }
    return try readRGB(image, name: name)
  }

  /// Opens the image lazily for sequential reading: libvips reads the header, not the pixels.
  /// Formats `decoding` does not accept are refused before any decoding.
  static func openHeader(_ input: VipsInput, name: String, decoding: ImageDecoding)
    throws(ImagingError) -> VipsImagePointer
  {
    let source = try openAcceptedSource(input, name: name, decoding: decoding).source
    defer { g_object_unref(UnsafeMutableRawPointer(source)) }
    VipsRuntime.clearError()
    guard
      let image = rk_vips_image_new_from_source_sequential_failon(source, failOn(decoding))
    else {
      throw classify(VipsRuntime.takeErrorMessage(), file: name)
    }
    return image
  }

  /// Decodes at most `maxSide` pixels on the longer side without holding the full image:
  /// JPEG decodes at 1/2, 1/4 or 1/8 scale (the largest that keeps the longer side at least
  /// `maxSide`), every format loads with sequential access, and `vips_thumbnail_image` shrinks
  /// the rest while the rows stream through. The loader keeps `fail_on`, so damaged data
  /// still fails.
  private static func shrinkOnLoad(
    _ input: VipsInput, name: String, longerSide: Int, maxSide: Int, decoding: ImageDecoding
  ) throws(ImagingError) -> VipsImagePointer {
    let (source, format) = try openAcceptedSource(input, name: name, decoding: decoding)
    defer { g_object_unref(UnsafeMutableRawPointer(source)) }
    let failOn = failOn(decoding)
    var shrink = 1
    while shrink < 8 && longerSide / (shrink * 2) >= maxSide { shrink *= 2 }
    VipsRuntime.clearError()
    let loaded =
      format == .jpeg
      ? rk_vips_image_new_from_source_shrink_failon(source, Int32(shrink), failOn)
      : rk_vips_image_new_from_source_sequential_failon(source, failOn)
    guard let image = loaded else { throw classify(VipsRuntime.takeErrorMessage(), file: name) }
    // vips_thumbnail_image applies the EXIF orientation itself, after shrinking.
    let side = Int32(clamping: maxSide)
    return try step(image, name: name) { rk_vips_thumbnail_image($0, $1, side, side) }
  }

  /// Opens a source and finds its loader; refuses formats `decoding` does not accept (a text
  /// file is a libvips "matrix", an SVG renders) with `.unsupported` naming the format.
  static func openAcceptedSource(_ input: VipsInput, name: String, decoding: ImageDecoding)
    throws(ImagingError) -> (source: UnsafeMutablePointer<VipsSource>, format: ImageFormat)
  {
    let source: UnsafeMutablePointer<VipsSource>
    switch input.openSource() {
    case .success(let opened): source = opened
    case .failure(let failure): throw classify(failure.message, file: name)
    }
    VipsRuntime.clearError()
    guard let found = vips_foreign_find_load_source(source) else {
      let message = VipsRuntime.takeErrorMessage()
      g_object_unref(UnsafeMutableRawPointer(source))
      throw .unsupported(
        file: name, reason: message.isEmpty ? "not a known image format" : message)
    }
    // libvips answers with the loader's type name ("VipsForeignLoadJpegSource"); its
    // nickname ("jpegload_source") names the format.
    let typeName = String(cString: found)
    let loader = vips_nickname_find(g_type_from_name(found)).map { String(cString: $0) } ?? typeName
    guard let format = ImageFormat(loader: loader), decoding.formats.contains(format) else {
      g_object_unref(UnsafeMutableRawPointer(source))
      let accepted = ImageFormat.allCases.filter(decoding.formats.contains)
      let what = ImageFormat(loader: loader)?.description ?? "libvips \(loader)"
      throw .unsupported(
        file: name,
        reason:
          "it holds \(what) data; accepted: \(accepted.map(\.description).joined(separator: ", "))"
      )
    }
    return (source, format)
  }

  /// Brings CMYK and the non-RGB colour spaces (Lab, XYZ, scRGB, ...) to sRGB.
  private static func toDisplayColourSpace(
    _ image: VipsImagePointer, name: String
  ) throws(ImagingError) -> VipsImagePointer {
    let interpretation = vips_image_get_interpretation(image)
    switch interpretation {
    case VIPS_INTERPRETATION_CMYK:
      // The embedded profile when there is one, else libvips' built-in CMYK profile.
      return try step(image, name: name) {
        rk_vips_icc_transform_embedded($0, $1, "srgb", "cmyk")
      }
    case VIPS_INTERPRETATION_LAB, VIPS_INTERPRETATION_LABQ, VIPS_INTERPRETATION_LABS,
      VIPS_INTERPRETATION_LCH, VIPS_INTERPRETATION_CMC, VIPS_INTERPRETATION_XYZ,
      VIPS_INTERPRETATION_YXY, VIPS_INTERPRETATION_scRGB, VIPS_INTERPRETATION_HSV:
      return try step(image, name: name) { rk_vips_colourspace($0, $1, VIPS_INTERPRETATION_sRGB) }
    default:
      return image
    }
  }

  /// Copies the decoded samples out of libvips and converts them to 3-channel RGB in [0, 1].
  private static func readRGB(_ image: VipsImagePointer, name: String) throws(ImagingError) -> Image
  {
    let format = vips_image_get_format(image)
    let interpretation = vips_image_get_interpretation(image)
    var pixels = image
    var scale: Float = 255
    switch format {
    case VIPS_FORMAT_UCHAR:
      break
    case VIPS_FORMAT_USHORT:
      // 16-bit images say so (RGB16 / GREY16); a ushort image that calls itself sRGB or B_W
      // holds 8-bit values, libvips' convention for those interpretations.
      if interpretation != VIPS_INTERPRETATION_sRGB && interpretation != VIPS_INTERPRETATION_B_W {
        scale = 65535
      }
    case VIPS_FORMAT_COMPLEX, VIPS_FORMAT_DPCOMPLEX:
      throw .unsupported(file: name, reason: "complex-valued samples")
    default:
      if interpretation == VIPS_INTERPRETATION_RGB16 || interpretation == VIPS_INTERPRETATION_GREY16
      {
        scale = 65535
      }
      g_object_ref(UnsafeMutableRawPointer(image))
      pixels = try step(image, name: name) { rk_vips_cast($0, $1, VIPS_FORMAT_FLOAT) }
    }
    defer { if pixels != image { VipsRuntime.release(pixels) } }

    let width = Int(vips_image_get_width(pixels))
    let height = Int(vips_image_get_height(pixels))
    let bands = Int(vips_image_get_bands(pixels))
    let hasAlpha = vips_image_hasalpha(pixels) != 0 && bands >= 2
    let layout = SampleLayout(
      count: width * height, bands: bands, colourBands: hasAlpha ? bands - 1 : bands,
      hasAlpha: hasAlpha, scale: scale)

    VipsRuntime.clearError()
    var size = 0
    guard let raw = vips_image_write_to_memory(pixels, &size) else {
      throw classify(VipsRuntime.takeErrorMessage(), file: name)
    }
    defer { g_free(raw) }
    let rgb: [Float]
    switch vips_image_get_format(pixels) {
    case VIPS_FORMAT_UCHAR:
      let samples = UnsafeBufferPointer(
        start: raw.bindMemory(to: UInt8.self, capacity: size), count: size)
      rgb = layout.rgb(from: samples) { Float($0) }
    case VIPS_FORMAT_USHORT:
      let samples = UnsafeBufferPointer(
        start: raw.bindMemory(to: UInt16.self, capacity: size / 2), count: size / 2)
      rgb = layout.rgb(from: samples) { Float($0) }
    default:
      let samples = UnsafeBufferPointer(
        start: raw.bindMemory(to: Float.self, capacity: size / 4), count: size / 4)
      rgb = layout.rgb(from: samples) { $0 }
    }
    return Image(width: width, height: height, channels: 3, pixels: rgb)
  }

  /// Runs one libvips step, consuming `image`; failures become errors naming `name`.
  static func step(
    _ image: VipsImagePointer, name: String,
    _ operation: (VipsImagePointer, UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32
  ) throws(ImagingError) -> VipsImagePointer {
    switch VipsRuntime.transform(image, operation) {
    case .success(let output): return output
    case .failure(let failure): throw classify(failure.message, file: name)
    }
  }

  /// Sorts a libvips message into the error cases: unknown format, truncation, the rest.
  static func classify(_ message: String, file: String) -> ImagingError {
    let lowered = message.lowercased()
    let unknownFormat = ["not a known file format", "not in a known format", "unknown file format"]
    let truncation = [
      "premature end", "truncated", "unexpected end", "end of file", "out of data",
      "short read", "not enough data",
    ]
    if unknownFormat.contains(where: lowered.contains) {
      return .unsupported(file: file, reason: message)
    }
    if truncation.contains(where: lowered.contains) {
      return .truncated(file: file, reason: message)
    }
    return .undecodable(file: file, reason: message)
  }
}

/// How decoded samples sit in libvips' buffer, and their conversion to RGB in [0, 1].
struct SampleLayout {
  /// Pixels in the image.
  let count: Int
  /// Samples per pixel in the buffer.
  let bands: Int
  /// Samples per pixel that are colour (`bands` minus the alpha band).
  let colourBands: Int
  /// Whether the last band is alpha.
  let hasAlpha: Bool
  /// The sample value that means full intensity (255 or 65535).
  let scale: Float

  /// Grey (one or two colour bands: the first is used) is replicated into R, G and B; three or
  /// more colour bands give the first three. Alpha `a` flattens onto white:
  /// `c * a + (1 - a)`. Results are clamped to [0, 1].
  func rgb<Sample>(from samples: UnsafeBufferPointer<Sample>, _ value: (Sample) -> Float) -> [Float]
  {
    precondition(samples.count >= count * bands, "SampleLayout: buffer too small")
    let isColour = colourBands >= 3
    return [Float](unsafeUninitializedCapacity: count * 3) { out, initialized in
      for pixel in 0..<count {
        let base = pixel * bands
        var red = value(samples[base]) / scale
        var green = red
        var blue = red
        if isColour {
          green = value(samples[base + 1]) / scale
          blue = value(samples[base + 2]) / scale
        }
        if hasAlpha {
          let alpha = min(max(value(samples[base + bands - 1]) / scale, 0), 1)
          red = red * alpha + (1 - alpha)
          green = green * alpha + (1 - alpha)
          blue = blue * alpha + (1 - alpha)
        }
        out[pixel * 3] = min(max(red, 0), 1)
        out[pixel * 3 + 1] = min(max(green, 0), 1)
        out[pixel * 3 + 2] = min(max(blue, 0), 1)
      }
      initialized = count * 3
    }
  }
}
