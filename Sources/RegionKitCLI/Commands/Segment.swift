import ArgumentParser
import Foundation
import Imaging
import Segmentation

/// `regionkit segment`: an image's segmentation as a picture.
struct Segment: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Segment an image (Felzenszwalb-Huttenlocher, k-means or SLIC) and draw the segments.",
    discussion: """
      The picture written to -o shows, side by side, every segment in a random colour \
      (seeded by --seed) and the segment boundaries drawn in red on the photo.
      Options apply to the method that uses them: --threshold, --sigma, --min-size, \
      --connectivity, --eight-bit and --color-space to fh; --clusters, --spatial-weight, --iterations and --color-space to \
      kmeans; --segments, --compactness, --sigma and --iterations to slic.
      """)

  enum Method: String, ExpressibleByArgument, CaseIterable {
    case fh, kmeans, slic
  }

  @OptionGroup var input: ImageInputOptions

  @Option(help: "Segmentation method: \(Method.allCases.map(\.rawValue).joined(separator: ", ")).")
  var method: Method = .fh

  @Option(help: "fh: the paper's k, in 0-255 colour units; larger gives larger segments.")
  var threshold: Float = 300

  @Option(
    help: "fh and slic: Gaussian pre-blur in pixels (0 = none). Default: 0.8 for fh, 0 for slic.")
  var sigma: Float?

  @Option(help: "fh: segments smaller than this many pixels merge into a neighbour.")
  var minSize = 20

  @Option(
    help: "fh: pixel graph, 8 (the paper's and scikit-image's) or 4 (OpenCV's).")
  var connectivity: Int = 8

  @Flag(
    help:
      "fh: round the colour channels to 8 bits before the blur, as OpenCV's createGraphSegmentation sees cvtColor's 8-bit output. Off by default."
  )
  var eightBit = false

  @Option(
    help:
      "fh and kmeans: colour space (\(ColorSpace.allCases.map(\.rawValue).joined(separator: ", "))). Default: rgb for fh, lab for kmeans."
  )
  var colorSpace: ColorSpace?

  @Option(help: "kmeans: number of colour clusters.")
  var clusters = 8

  @Option(help: "kmeans: weight of the pixel position against colour (0 = colour only).")
  var spatialWeight: Float = 0

  @Option(help: "slic: approximate number of superpixels.")
  var segments = 100

  @Option(help: "slic: compactness (try a log scale: 1, 10, 100).")
  var compactness: Float = 10

  @Option(help: "kmeans and slic: iterations. Default: 20 for kmeans, 10 for slic.")
  var iterations: Int?

  @Option(help: "Seed of k-means++ and of the segment colours.")
  var seed: UInt64 = 0

  func validate() throws {
    guard PixelConnectivity(rawValue: connectivity) != nil else {
      throw ValidationError("--connectivity must be 4 or 8, got \(connectivity).")
    }
    try OptionRange.check("--threshold", threshold, in: 0...1e9)
    try OptionRange.check("--sigma", sigma, in: 0...Image.maximumBlurSigma)
    try OptionRange.check("--min-size", minSize, in: 0...Int(Int32.max))
    try OptionRange.check("--clusters", clusters, in: 1...KMeansSegmentation.maximumClusters)
    try OptionRange.check("--spatial-weight", spatialWeight, in: 0...1e6)
    try OptionRange.check("--segments", segments, in: 1...100_000_000)
    try OptionRange.check("--compactness", compactness, in: 1e-6...1e6)
    try OptionRange.check(
      "--iterations", iterations,
      in: 1...min(KMeansSegmentation.maximumIterations, SLIC.maximumIterations))
  }

  func run() throws {
    let fh = FelzenszwalbSegmentation(
      threshold: threshold, sigma: sigma ?? 0.8, minimumSize: minSize,
      colorSpace: colorSpace ?? .rgb,
      connectivity: PixelConnectivity(rawValue: connectivity) ?? .eight,
      quantizesToEightBits: eightBit)
    let kmeans = KMeansSegmentation(
      clusters: clusters, spatialWeight: spatialWeight, seed: seed,
      maxIterations: iterations ?? 20, colorSpace: colorSpace ?? .lab)
    let slic = SLIC(
      segments: segments, compactness: compactness, sigma: sigma ?? 0,
      iterations: iterations ?? 10)
    let estimator: any PeakMemoryEstimating =
      switch method {
      case .fh: fh
      case .kmeans: kmeans
      case .slic: slic
      }
    let photo = try input.load(method: method.rawValue, estimator: estimator)
    let clock = ContinuousClock()
    let start = clock.now
    let result: SegmentationResult =
      switch method {
      case .fh: try fh.segment(photo)
      case .kmeans: try kmeans.segment(photo)
      case .slic: try slic.segment(photo)
      }
    let elapsed = start.duration(to: clock.now)
    let colored = result.labels.coloredImage(seed: seed)
    let overlay = try photo.overlayingBoundaries(of: result.labels)
    try writePicture(Image(sideBySide: [colored, overlay]), to: input.output)
    print(
      "\(input.output): \(result.labels.count) segments of \(photo.width)x\(photo.height) by \(method.rawValue) in "
        + String(
          format: "%.3f s",
          Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
  }
}
