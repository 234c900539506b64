import Boxes

/// A problem found while reading a dataset that did not stop it.
///
/// The readers never print: they collect warnings in ``Dataset/warnings`` so the caller (the
/// `regionkit` command line, a test) decides what to show. Each warning names the annotation
/// file, the image and the annotation by its position in the source (`annotations[17]` in
/// COCO, the *n*-th `<object>` in a VOC file) and says what was done about it.
///
///     for warning in dataset.warnings where warning.isDropped { print(warning) }
///     // annotations.json: annotations[4] (id 105, image 3): box [0.0, 0.0, 0.0, 5.0] has no area inside the image; dropped
public struct DatasetWarning: Hashable, Sendable, CustomStringConvertible {
  /// What went wrong and what the reader did.
  public enum Problem: Hashable, Sendable {
    /// The box reached outside the image and was clipped to it; the annotation is kept.
    case clippedToImage(original: Box, clipped: Box)
    /// The box has no area (after clipping); dropped.
    case emptyBox(Box)
    /// A coordinate is NaN or infinite; dropped.
    case nonFiniteBox
    /// The box has a negative width or height (`xmax < xmin`); dropped.
    case invertedBox(Box)
    /// COCO annotation without `bbox`; dropped.
    case missingBox
    /// COCO annotation whose `image_id` is not in `images`; dropped.
    case unknownImage(id: Int)
    /// COCO annotation whose `category_id` is not in `categories`; dropped.
    case unknownCategory(id: Int)
    /// An image of a plain folder whose header libvips cannot read; the image is left out.
    case unreadableImage(reason: String)
    /// The image file's size (upright, after EXIF orientation) differs from the size its
    /// annotation declares; the boxes are kept as annotated, not rescaled.
    case sizeMismatch(annotatedWidth: Int, annotatedHeight: Int, width: Int, height: Int)
  }

  /// The annotation file, as its last path component (`annotations.json`, `raccoon-1.xml`);
  /// for ``Problem/unreadableImage(reason:)`` and
  /// ``Problem/sizeMismatch(annotatedWidth:annotatedHeight:width:height:)`` the image file,
  /// relative to the images folder.
  public var file: String
  /// The image's id, when known.
  public var imageID: Int?
  /// The annotation's position in the source: COCO `annotations[i]`, VOC's *i*-th `<object>`
  /// (both 0-based).
  public var annotationIndex: Int?
  /// The source's annotation id (COCO only).
  public var annotationID: Int?
  /// What went wrong.
  public var problem: Problem

  /// Creates a warning.
  ///
  /// - Parameters:
  ///   - file: The annotation file's name.
  ///   - imageID: The image's id. Default: `nil`.
  ///   - annotationIndex: The annotation's 0-based position in the source. Default: `nil`.
  ///   - annotationID: The source's annotation id. Default: `nil`.
  ///   - problem: What went wrong.
  public init(
    file: String, imageID: Int? = nil, annotationIndex: Int? = nil, annotationID: Int? = nil,
    problem: Problem
  ) {
    self.file = file
    self.imageID = imageID
    self.annotationIndex = annotationIndex
    self.annotationID = annotationID
    self.problem = problem
  }

  /// True when the annotation was dropped (every problem but clipping and a size mismatch).
  public var isDropped: Bool {
    switch problem {
    case .clippedToImage, .sizeMismatch: false
    default: true
    }
  }

  public var description: String {
    var subject = ""
    if let annotationIndex {
      subject =
        file.lowercased().hasSuffix(".xml")
        ? "object[\(annotationIndex)]" : "annotations[\(annotationIndex)]"
    }
    var details: [String] = []
    if let annotationID { details.append("id \(annotationID)") }
    if let imageID { details.append("image \(imageID)") }
    if !details.isEmpty {
      subject += (subject.isEmpty ? "" : " ") + "(" + details.joined(separator: ", ") + ")"
    }
    let what: String
    switch problem {
    case .clippedToImage(let original, let clipped):
      what = "box \(original) extends outside the image; clipped to \(clipped)"
    case .emptyBox(let box):
      what = "box \(box) has no area inside the image; dropped"
    case .nonFiniteBox:
      what = "box has a NaN or infinite coordinate; dropped"
    case .invertedBox(let box):
      what = "box \(box) is inverted (negative width or height); dropped"
    case .missingBox:
      what = "annotation has no bbox; dropped"
    case .unknownImage(let id):
      what = "image_id \(id) is not in images; dropped"
    case .unknownCategory(let id):
      what = "category_id \(id) is not in categories; dropped"
    case .unreadableImage(let reason):
      what = "cannot read the image (\(reason)); left out"
    case .sizeMismatch(let annotatedWidth, let annotatedHeight, let width, let height):
      let swapped = width == annotatedHeight && height == annotatedWidth
      what =
        "the image is \(width)x\(height) but its annotation says "
        + "\(annotatedWidth)x\(annotatedHeight)\(swapped ? " (swapped: EXIF orientation?)" : "")"
        + "; boxes not rescaled"
    }
    if subject.isEmpty { return "\(file): \(what)" }
    // Without an annotation, the details qualify the file: `photo.jpg (image 3): ...`.
    return annotationIndex == nil ? "\(file) \(subject): \(what)" : "\(file): \(subject): \(what)"
  }
}
