import Boxes
import Foundation
import Imaging
import Parallel

/// Runs a detector over many image files on several threads, with the proposals and the
/// seconds of each image: the library function behind `regionkit detect`.
///
///     let images = [BatchDetection.Item(url: url, name: "a.jpg", imageID: 1, width: 640, height: 480)]
///     let results = try BatchDetection.run(detector, on: images, threads: 4)
///
/// Boxes (detections and proposals) come back in the pixels of each item's `width` x
/// `height` (the dataset's), whatever size the image was decoded at. Results are in item
/// order and do not depend on the thread count. An image that cannot be read (missing,
/// truncated, not an image) gives a result with ``Result/error`` set and the run goes on.
public enum BatchDetection {
  /// One image to run on.
  public struct Item: Sendable {
    /// The image file.
    public var url: URL
    /// Its name in the dataset (`file_name`), to find it in a proposals file.
    public var name: String
    /// The dataset's image id.
    public var imageID: Int
    /// The size the results refer to (the dataset's).
    public var width: Int, height: Int

    /// Creates an item; every parameter is the property of the same name.
    public init(url: URL, name: String, imageID: Int, width: Int, height: Int) {
      self.url = url
      self.name = name
      self.imageID = imageID
      self.width = width
      self.height = height
    }
  }

  /// What the detector found in one image.
  public struct Result: Sendable {
    /// The item.
    public var item: Item
    /// The detections, boxes in the item's pixels.
    public var objects: [DetectedObject]
    /// The proposals classified (R-CNN, Fast R-CNN), boxes in the item's pixels.
    public var proposals: [Box]
    /// Seconds spent on proposals and on the network (with post-processing).
    public var proposalSeconds: Double, networkSeconds: Double
    /// The decoded image, when asked for (to draw on); boxes scale by `picture.width / width`.
    public var picture: Image?
    /// Why the image could not be read (it then has no objects and no proposals); `nil` when
    /// it was read.
    public var error: String?
  }

  /// Detects objects in every item.
  ///
  /// - Parameters:
  ///   - detector: Any detector.
  ///   - items: The images.
  ///   - proposals: For detectors that take proposals: where they come from. Default: nil,
  ///     the detector's own (`detect(in:)`). Fast R-CNN runs a generator on the image
  ///     resized as its network sees it, as in training.
  ///   - maxProposals: Proposals kept per image. Default: the detector's own count.
  ///   - keepPictures: Return each decoded image. Default: `false`.
  ///   - maxSide: Shrink images whose longer side exceeds this many pixels as they are
  ///     decoded (results stay in the item's pixels). Default: `nil`, the detector's own
  ///     decoding size (the full image for R-CNN).
  ///   - memoryBudget: Refuse, before decoding, an image whose decoded pixels and the peak of
  ///     the proposal generator run on it exceed this (``/Imaging/MemoryBudget``); the image
  ///     then has ``Result/error`` set. Default: ``/Imaging/MemoryBudget/unlimited``.
  ///   - threads: Images worked on at once. Default: `1`.
  ///   - onImage: Called after each image, failed ones too (from worker threads).
  /// - Returns: One result per item, in item order; an item whose file cannot be decoded or
  ///   is over `memoryBudget` has ``Result/error`` set (the error, which names the file).
  /// - Throws: ``DetectorsError/missingProposals(file:image:)``,
  ///   ``DetectorsError/unsupportedInput(detector:reason:)`` and the detector's errors.
  public static func run(
    _ detector: any Detector, on items: [Item], proposals: ProposalSource? = nil,
    maxProposals: Int? = nil, keepPictures: Bool = false, maxSide: Int? = nil,
    memoryBudget: MemoryBudget = .unlimited,
    threads: Int = 1,
    onImage: @Sendable () -> Void = {}
  ) throws -> [Result] {
    try orderedParallelMap(count: items.count, threads: threads) { index in
      let item = items[index]
      let image: Image
      do {
        let side = decodeSide(of: detector, maxSide: maxSide)
        try checkMemory(
          item.url, side: side, detector: detector, proposals: proposals, budget: memoryBudget)
        image = try Image(contentsOf: item.url, maxSide: side)
      } catch {
        onImage()
        return Result(
          item: item, objects: [], proposals: [], proposalSeconds: 0, networkSeconds: 0,
          picture: nil, error: "\(error)")
      }
      let start = DispatchTime.now().uptimeNanoseconds
      var boxes: [Box] = []
      let objects: [DetectedObject]
      var middle = start
      if let proposals {
        guard detector.acceptsProposals else {
          throw DetectorsError.unsupportedInput(
            detector: "\(type(of: detector))", reason: "it does not take proposals")
        }
        boxes = try proposalBoxes(
          detector, image: image, name: item.name, source: proposals, maxProposals: maxProposals)
        middle = DispatchTime.now().uptimeNanoseconds
        objects = try detector.detect(in: image, proposals: boxes)
      } else if let rcnn = detector as? RCNN {
        boxes = try rcnn.proposalBoxes(for: image)
        middle = DispatchTime.now().uptimeNanoseconds
        objects = try rcnn.detect(in: image, proposals: boxes)
      } else if let fast = detector as? FastRCNN, let generator = fast.proposalGenerator {
        boxes = try proposalBoxes(
          fast, image: image, name: item.name, source: .generator(generator),
          maxProposals: maxProposals)
        middle = DispatchTime.now().uptimeNanoseconds
        objects = try fast.detect(in: image, proposals: boxes)
      } else {
        objects = try detector.detect(in: image)
      }
      let end = DispatchTime.now().uptimeNanoseconds
      onImage()
      let scale = Float(item.width) / Float(max(image.width, 1))
      return Result(
        item: item, objects: objects.map { scale == 1 ? $0 : $0.scaled(by: scale) },
        proposals: boxes.map { FastRCNN.scale($0, by: scale) },
        proposalSeconds: Double(middle - start) / 1e9, networkSeconds: Double(end - middle) / 1e9,
        picture: keepPictures ? image : nil, error: nil)
    }
  }

  /// The size images are decoded at: networks that resize their input need no more than
  /// four times their input side; R-CNN crops from the full image; a `maxSide` given by the
  /// caller shrinks further.
  static func decodeSide(of detector: any Detector, maxSide: Int? = nil) -> Int? {
    let own: Int? =
      switch detector {
      case let model as FastRCNN: 4 * model.configuration.maxSide
      case let model as FasterRCNN: 4 * model.configuration.maxSide
      case let model as ClassifyAndLocalize:
        max(1024, 4 * max(model.configuration.inputWidth, model.configuration.inputHeight))
      default: nil
      }
    guard let maxSide else { return own }
    return own.map { min($0, maxSide) } ?? maxSide
  }

  /// Proposals of `image` in its pixels; Fast R-CNN's generators see the resized input.
  static func proposalBoxes(
    _ detector: any Detector, image: Image, name: String, source: ProposalSource,
    maxProposals: Int?
  ) throws -> [Box] {
    switch detector {
    case let fast as FastRCNN:
      return try FastRCNN.proposalBoxes(
        for: image, named: name, source: source, configuration: fast.configuration,
        maxProposals: maxProposals)
    case let rcnn as RCNN:
      return try source.boxes(
        for: image, named: name, maxProposals: maxProposals ?? rcnn.maxProposals)
    default:
      return try source.boxes(for: image, named: name, maxProposals: maxProposals ?? 2000)
    }
  }
}
