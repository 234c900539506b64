import Boxes
import Datasets
import Detectors
import Foundation
import Imaging
import NeuralNet
import Parallel

/// A dataset decoded once into memory for ``/Detectors/ClassifyAndLocalize``: every image resized to the
/// network input and normalised, with one label and one normalised box.
///
/// Each image contributes its **largest** object (by box area; crowd and degenerate boxes are
/// skipped), because the model predicts one box per image. Images without objects become
/// background samples when the configuration includes background, and are skipped otherwise.
/// Images are stretched to the input size, so boxes stay exact in unit coordinates.
///
///     let set = try LocalizationSet(dataset: dataset, configuration: configuration)
///     let (train, validation) = set.split(validationFraction: 0.2, seed: 7)
public struct LocalizationSet: Sendable {
  /// One preloaded image.
  public struct Sample: Sendable, Equatable {
    /// The dataset's image id.
    public var imageID: Int
    /// The original image size in pixels.
    public var width: Int, height: Int
    /// Planar `[3, inputHeight, inputWidth]` normalised values; empty when the set streams
    /// (decoded from ``url`` for each batch).
    public var pixels: [Float]
    /// The image file, for a streaming set.
    public var url: URL?
    /// The label index of the classifier output (background is 0 when included).
    public var label: Int
    /// The target box in unit coordinates, nil for a background sample.
    public var box: Box?

    /// Creates a sample; every parameter is the property of the same name.
    public init(
      imageID: Int, width: Int, height: Int, pixels: [Float], label: Int, box: Box?,
      url: URL? = nil
    ) {
      self.url = url
      self.imageID = imageID
      self.width = width
      self.height = height
      self.pixels = pixels
      self.label = label
      self.box = box
    }
  }

  /// The input width and height of every sample, in pixels.
  public let inputWidth: Int, inputHeight: Int
  /// The samples, in dataset order unless split or shuffled.
  public var samples: [Sample]

  /// The normalisation of streamed samples (nil for a set made from samples).
  var configuration: ClassifyAndLocalizeConfiguration?

  /// Creates a set from samples of the given input size.
  public init(inputWidth: Int, inputHeight: Int, samples: [Sample]) {
    self.inputWidth = inputWidth
    self.inputHeight = inputHeight
    self.samples = samples
  }

  /// Decodes, resizes and normalises every usable image of `dataset`, or with `streams`
  /// only reads their annotations (images are then decoded for each batch, so memory does not
  /// grow with the dataset).
  ///
  /// - Parameters:
  ///   - dataset: The images and annotations; labels index `configuration.classes`.
  ///   - configuration: Input size, normalisation and whether background is a class.
  ///   - streams: Decode images in ``batch(_:flipped:)`` instead of here. Default: `false`.
  ///   - progress: Called once per image (from any thread) after it is decoded. Default: none.
  /// - Throws: ``/Datasets/DatasetsError``/``/Imaging/ImagingError`` from decoding;
  ///   ``/Detectors/DetectorsError/noTrainingImages(dataset:)`` when nothing is usable.
  /// - Complexity: one decode (with shrink-on-load) and one resize per image, on
  ///   ``/NeuralNet/ComputeThreads/count`` threads.
  public init(
    dataset: Dataset, configuration: ClassifyAndLocalizeConfiguration, streams: Bool = false,
    progress: (@Sendable () -> Void)? = nil
  ) throws {
    inputWidth = configuration.inputWidth
    inputHeight = configuration.inputHeight
    self.configuration = configuration
    let images = dataset.images
    let (width, height) = (inputWidth, inputHeight)
    // Every image is tried; the first failure in dataset order is thrown.
    let results = try orderedParallelMap(count: images.count, threads: ComputeThreads.count) {
      index -> Result<Sample?, any Error> in
      defer { progress?() }
      let entry = images[index]
      let objects = entry.annotations.filter { !$0.isCrowd && !$0.box.isDegenerate }
      let largest = objects.max { $0.box.area < $1.box.area }
      if largest == nil && !configuration.includesBackground { return .success(nil) }
      return Result {
        let url = dataset.url(of: entry)
        let pixels =
          streams
          ? [] : try Self.load(url, width: width, height: height, configuration: configuration)
        var box: Box? = nil
        var label = 0
        if let largest {
          let b = largest.box
          let (w, h) = (Float(entry.width), Float(entry.height))
          box = Box(x1: b.x1 / w, y1: b.y1 / h, x2: b.x2 / w, y2: b.y2 / h)
          label = largest.label + (configuration.includesBackground ? 1 : 0)
        }
        return Sample(
          imageID: entry.id, width: entry.width, height: entry.height, pixels: pixels,
          label: label, box: box, url: url)
      }
    }
    var samples: [Sample] = []
    for result in results {
      if let sample = try result.get() { samples.append(sample) }
    }
    guard !samples.isEmpty else {
      throw DetectorsError.noTrainingImages(dataset: dataset.imagesDirectory.path)
    }
    self.samples = samples
  }

  /// Decodes `url`, stretches it to the input size and normalises it.
  static func load(
    _ url: URL, width: Int, height: Int, configuration: ClassifyAndLocalizeConfiguration
  ) throws -> [Float] {
    let image = try Image(contentsOf: url, maxSide: 4 * max(width, height))
    return image.resized(width: width, height: height).normalizedPlanes(
      mean: configuration.mean, std: configuration.std)
  }

  /// Splits the samples into a training and a validation set after a seeded shuffle.
  ///
  /// - Parameters:
  ///   - validationFraction: Share of samples for validation, in `[0, 1)`; rounded to the
  ///     nearest count, and at least one sample stays in training.
  ///   - seed: Seed of the shuffle.
  /// - Returns: Both sets, each in the original order of its samples.
  public func split(validationFraction: Double, seed: UInt64) -> (
    train: LocalizationSet, validation: LocalizationSet
  ) {
    precondition(
      validationFraction >= 0 && validationFraction < 1,
      "LocalizationSet.split: fraction \(validationFraction)")
    let (trainIndices, validationIndices) = DatasetSplit.indices(
      count: samples.count, validationFraction: validationFraction, seed: seed)
    let train = trainIndices.map { samples[$0] }
    let validation = validationIndices.map { samples[$0] }
    var (trainSet, validationSet) = (self, self)
    trainSet.samples = train
    validationSet.samples = validation
    return (trainSet, validationSet)
  }

  /// A copy where a seeded `fraction` of the boxed samples get a random box instead of their
  /// own: an outlier label, as an annotation error would be.
  ///
  /// The random box has corners drawn uniformly in the image, with width and height at least
  /// 5 % of the image; its IoU with the true box is usually small.
  ///
  /// - Parameters:
  ///   - fraction: Share of boxed samples to corrupt, in `[0, 1]`, rounded to a count.
  ///   - seed: Seed of the choice and of the boxes.
  /// - Returns: The corrupted set and the indices of the corrupted samples.
  public func corruptingBoxes(fraction: Double, seed: UInt64) -> (
    set: LocalizationSet, corrupted: [Int]
  ) {
    precondition(
      fraction >= 0 && fraction <= 1, "LocalizationSet.corruptingBoxes: fraction \(fraction)")
    var random = SplitMix64(seed: seed)
    var boxed = samples.indices.filter { samples[$0].box != nil }
    boxed.shuffle(using: &random)
    let chosen = boxed.prefix(Int((fraction * Double(boxed.count)).rounded())).sorted()
    var copy = self
    for index in chosen {
      func corner() -> (Float, Float) {
        let a = random.nextUnitFloat(), b = random.nextUnitFloat()
        return (min(a, b), max(a, b))
      }
      var (x1, x2) = corner(), (y1, y2) = corner()
      if x2 - x1 < 0.05 { x2 = min(x1 + 0.05, 1); x1 = x2 - 0.05 }
      if y2 - y1 < 0.05 { y2 = min(y1 + 0.05, 1); y1 = y2 - 0.05 }
      copy.samples[index].box = Box(x1: x1, y1: y1, x2: x2, y2: y2)
    }
    return (copy, chosen)
  }

  /// A batch of samples: images `[N, 3, H, W]`, labels, targets `[N, 4]` in normalised
  /// `(cx, cy, w, h)` and which rows have a box.
  ///
  /// - Parameters:
  ///   - indices: The samples to take.
  ///   - flipped: Which of them to mirror left-right (box mirrored too). Default: none.
  /// - Throws: Decoding errors of a streamed sample's image.
  public func batch(_ indices: [Int], flipped: [Bool]? = nil) throws -> Batch {
    let plane = inputWidth * inputHeight
    var images = Tensor(zeros: [indices.count, 3, inputHeight, inputWidth])
    var targets = Tensor(zeros: [indices.count, 4])
    var labels: [Int] = [], hasBox: [Bool] = []
    for (row, index) in indices.enumerated() {
      var sample = samples[index]
      if sample.pixels.isEmpty, let url = sample.url, let configuration {
        sample.pixels = try Self.load(
          url, width: inputWidth, height: inputHeight, configuration: configuration)
      }
      let flip = flipped?[row] ?? false
      images.data.withUnsafeMutableBufferPointer { out in
        let base = row * 3 * plane
        for channel in 0..<3 {
          for y in 0..<inputHeight {
            let source = channel * plane + y * inputWidth
            for x in 0..<inputWidth {
              out[base + source + x] = sample.pixels[source + (flip ? inputWidth - 1 - x : x)]
            }
          }
        }
      }
      labels.append(sample.label)
      hasBox.append(sample.box != nil)
      if var box = sample.box {
        if flip { box = Box(x1: 1 - box.x2, y1: box.y1, x2: 1 - box.x1, y2: box.y2) }
        let encoded = ClassifyAndLocalize.encode(box)
        for k in 0..<4 { targets.data[row * 4 + k] = encoded[k] }
      }
    }
    return Batch(images: images, labels: labels, targets: targets, hasBox: hasBox)
  }

  /// Network inputs and targets of some samples (``batch(_:flipped:)``).
  public struct Batch: Sendable {
    /// `[N, 3, H, W]` normalised images.
    public var images: Tensor
    /// The label of each row.
    public var labels: [Int]
    /// `[N, 4]` normalised `(cx, cy, w, h)` targets (zero rows without a box).
    public var targets: Tensor
    /// Which rows have a box.
    public var hasBox: [Bool]
  }
}
