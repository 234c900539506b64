import Boxes
import Imaging

/// Draws one image's proposal coverage: each found object's ground truth in green with its
/// best proposal in blue, and each missed object (best IoU below the threshold) in red.
///
/// Each ground-truth box carries a tab with the IoU of its best proposal, e.g. `IoU 0.87`.
/// Tabs are placed by ``/Imaging/LabelPlacement``, smallest object first, so they overlap
/// neither one another nor any outline (stacked or moved to free space, with a leader line,
/// when the boxes leave no room). The picture
/// may be a downscaled copy of the dataset image (e.g. `Image(contentsOf:maxSide:)`): boxes
/// are scaled by the ratio of its width to the dataset's.
///
///     let picture = try Image(contentsOf: dataset.url(of: image), maxSide: 512)
///     let drawn = try RecallOverlay.draw(report.images[3], on: picture, countIndex: 9, iou: 0.5)
public enum RecallOverlay {
  /// Ground truth of found objects.
  public static let groundTruthColor = RGBColor(hex: 0x2CA02C)
  /// Best proposals.
  public static let proposalColor = RGBColor(hex: 0x1F77B4)
  /// Ground truth of missed objects.
  public static let missedColor = RGBColor(hex: 0xD62728)

  /// The tab text of one object: the IoU of its best proposal, e.g. `"IoU 0.87"`.
  ///
  /// - Parameters:
  ///   - object: The object.
  ///   - countIndex: Which *N* (index into the summary's `proposalCounts`).
  /// - Returns: The label.
  public static func label(_ object: ObjectRecall, countIndex: Int) -> String {
    "IoU " + String(format: "%.2f", object.bestIoU[countIndex])
  }

  /// Draws the overlay.
  ///
  /// - Parameters:
  ///   - image: The image's evaluation result.
  ///   - picture: The loaded image, at any scale, with 1 or 3 channels.
  ///   - countIndex: Index into the summary's `proposalCounts`: which *N* to show.
  ///   - iou: The IoU an object needs to count as found, e.g. `0.5`.
  ///   - lineWidth: Box outline width, in pixels of `picture`. Default: `2`.
  ///   - fontSize: Label font size, in pixels of `picture`. Default: `11`.
  /// - Returns: A copy of `picture` with the boxes drawn.
  /// - Throws: ``/Imaging/ImagingError`` when a label cannot be rendered.
  public static func draw(
    _ image: ImageRecall, on picture: Image, countIndex: Int, iou: Double, lineWidth: Int = 2,
    fontSize: Int = 11
  ) throws(ImagingError) -> Image {
    var canvas = picture
    let sx = Float(picture.width) / Float(max(image.width, 1))
    let sy = Float(picture.height) / Float(max(image.height, 1))
    func scaled(_ box: Box) -> Box {
      Box(x1: box.x1 * sx, y1: box.y1 * sy, x2: box.x2 * sx, y2: box.y2 * sy)
    }
    // Ground truth first, smallest first: its outlines stay on top of the proposals, and
    // small objects, which have the fewest good spots, choose theirs first.
    let objects = image.objects.enumerated().sorted {
      ($0.element.box.area, $0.offset) < ($1.element.box.area, $1.offset)
    }.map(\.element)
    var boxes = objects.map { object in
      LabeledBox(
        box: scaled(object.box),
        color: object.bestIoU[countIndex] >= iou ? groundTruthColor : missedColor,
        label: label(object, countIndex: countIndex))
    }
    boxes += objects.compactMap { object in
      object.bestProposal[countIndex].map { LabeledBox(box: scaled($0), color: proposalColor) }
    }
    try canvas.drawBoxes(boxes, lineWidth: lineWidth, fontSize: fontSize)
    return canvas
  }
}
