import ArgumentParser
import Edges
import Foundation
import Imaging

/// `regionkit edges`: an image's edge map as a picture.
struct EdgeMapCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "edges",
    abstract:
      "Compute an edge map (Sobel/Scharr gradient magnitude or Canny) and write it as a picture.",
    discussion: """
      sobel and scharr write the gradient magnitude (strongest colour channel per pixel, \
      scaled to [0, 1]); --thin keeps only the ridge after non-maximum suppression. \
      canny writes the binary edges after hysteresis between --low and --high.
      """)

  enum Method: String, ExpressibleByArgument, CaseIterable {
    case sobel, scharr, canny
  }

  @OptionGroup var input: ImageInputOptions

  @Option(help: "Edge detector: \(Method.allCases.map(\.rawValue).joined(separator: ", ")).")
  var method: Method = .sobel

  @Option(
    help: "Gaussian pre-blur in pixels (0 = none). Default: 0 for sobel and scharr, 1 for canny.")
  var sigma: Float?

  @Flag(help: "sobel and scharr: thin edges to one pixel by non-maximum suppression.")
  var thin = false

  @Option(help: "canny: hysteresis low threshold, in [0, --high].")
  var low: Float = 0.1

  @Option(help: "canny: hysteresis high threshold, in [--low, 1].")
  var high: Float = 0.2

  func validate() throws {
    try OptionRange.check("--sigma", sigma, in: 0...Image.maximumBlurSigma)
    try OptionRange.check("--high", high, in: 0...1)
    try OptionRange.check("--low", low, in: 0...high)
  }

  func run() throws {
    let gradient = GradientEdgeDetector(
      operator: method == .sobel ? .sobel : .scharr, sigma: sigma ?? 0, thinned: thin)
    let canny = CannyEdgeDetector(sigma: sigma ?? 1, lowThreshold: low, highThreshold: high)
    let estimator: any PeakMemoryEstimating = if method == .canny { canny } else { gradient }
    let photo = try input.load(method: method.rawValue, estimator: estimator)
    let edges: EdgeMap =
      switch method {
      case .sobel, .scharr: try gradient.edges(in: photo)
      case .canny: try canny.edges(in: photo)
      }
    try writePicture(Image(edges), to: input.output)
    let edgePixels = edges.strength.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
    print(
      "\(input.output): \(method.rawValue) edges of \(photo.width)x\(photo.height), \(edgePixels) edge pixels"
    )
  }
}
