import Foundation
import Imaging

extension DatasetImage {
  /// A warning when the decoded size of this image differs from the size its annotation
  /// declares (COCO `images[].width/height`, VOC `<size>`); `nil` when they agree.
  ///
  /// The message says "swapped: EXIF orientation?" when width and height are exchanged, the
  /// usual sign of a file whose EXIF orientation the annotation tool ignored. Boxes are not
  /// rescaled: they stay in the annotation's pixels.
  ///
  ///     image.sizeWarning(width: 480, height: 640)  // annotation 640x480
  ///     // photo.jpg (image 3): the image is 480x640 but its annotation says 640x480 (swapped: EXIF orientation?); boxes not rescaled
  ///
  /// - Parameters:
  ///   - width: The decoded width, upright (after EXIF orientation), in pixels.
  ///   - height: The decoded height, upright, in pixels.
  /// - Returns: A ``DatasetWarning`` naming the file and both sizes, or `nil`.
  public func sizeWarning(width: Int, height: Int) -> DatasetWarning? {
    guard width != self.width || height != self.height else { return nil }
    return DatasetWarning(
      file: fileName, imageID: id,
      problem: .sizeMismatch(
        annotatedWidth: self.width, annotatedHeight: self.height, width: width, height: height))
  }
}

extension Dataset {
  /// One warning per image whose file's upright size differs from its annotation's, in image
  /// order.
  ///
  /// Reads only each file's header (libvips does not decode the pixels), so a check of a
  /// whole dataset costs a file open per image. A plain folder takes its sizes from the
  /// headers and is not checked; files whose header cannot be read are skipped (decoding them
  /// reports the error).
  ///
  ///     for warning in dataset.imageSizeWarnings() { print("warning: \(warning)") }
  ///
  /// - Returns: The ``DatasetWarning/Problem/sizeMismatch(annotatedWidth:annotatedHeight:width:height:)``
  ///   warnings.
  /// - Complexity: O(*n*) header reads for *n* images.
  public func imageSizeWarnings() -> [DatasetWarning] {
    guard format != .folder else { return [] }
    return images.compactMap { image in
      guard let info = try? ImageInfo.read(contentsOf: url(of: image)) else { return nil }
      return image.sizeWarning(width: info.uprightWidth, height: info.uprightHeight)
    }
  }
}
