import ArgumentParser
import Detectors
import Foundation

/// The library's default Fast/Faster R-CNN settings, for help texts and defaults.
let fastRCNNDefaults = FastRCNNConfiguration(architecture: .fastRCNN, classes: [])

extension InputNormalization.ChannelOrder: ExpressibleByArgument {}

/// Network, sampling and loss options shared by `train fast-rcnn` and `train faster-rcnn`.
struct FastRCNNNetworkOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "A network trained elsewhere as the backbone, cut at the named tensor (`regionkit model info MODEL.onnx` lists the tensors with their strides). Default: none, RegionKit's small CNN; without :TENSOR, the last 4-D tensor with a stride.",
      valueName: "model.onnx[:tensor]"))
  var backbone: String?

  @Flag(
    help:
      "Keep the --backbone network's weights: only the RoI head (and the RPN) train, and its features need no backward pass. Default: fine-tune it with the heads, which needs every op up to the tensor to have a backward pass (Conv, BatchNormalization, Relu, LeakyRelu, Clip, MaxPool, AveragePool, residual Add)."
  )
  var freezeBackbone = false

  @Option(
    help:
      "Per-channel mean subtracted from the input, R,G,B (B,G,R with --channel-order bgr), in the --pixel-range. Default: \(Self.list(InputNormalization.regionKit.mean)), or ImageNet's \(Self.list(InputNormalization.imageNet.mean)) with --backbone."
  )
  var mean: String?

  @Option(
    help:
      "Per-channel standard deviation the input is divided by. Default: \(Self.list(InputNormalization.regionKit.std)), or ImageNet's \(Self.list(InputNormalization.imageNet.std)) with --backbone."
  )
  var std: String?

  @Option(help: "The order of the colour planes the network reads: rgb or bgr. Default: rgb.")
  var channelOrder: InputNormalization.ChannelOrder?

  @Option(help: "The value of a full-intensity pixel the network expects: 1 or 255. Default: 1.")
  var pixelRange: Float?

  @Option(
    help:
      "Images are resized so that their longer side is this many pixels. Default: \(fastRCNNDefaults.maxSide), or the larger side of a --backbone network's fixed input size (images are then padded to it)."
  )
  var maxSide: Int?

  @Option(
    help:
      "Training sizes drawn per image as a factor of --max-side, LOW,HIGH (e.g. 0.75,1.25). Default: none."
  )
  var scaleJitter: String?

  @Option(help: "RoI pooling: align (RoIAlign) or pool (RoIPool).")
  var pooling = fastRCNNDefaults.pooling

  @Option(help: "RoIs sampled per image, 25% foreground.")
  var roisPerImage = fastRCNNDefaults.roisPerImage

  @Option(help: "Background RoIs have an IoU in [this, 0.5) with every object.")
  var backgroundLow = fastRCNNDefaults.backgroundLow

  @Option(help: "Box regression loss: l1, mse, smooth-l1 (beta 1) or smooth-l1:BETA.")
  var boxLoss = "smooth-l1"

  @Option(help: "Weight of the cross-entropy in the loss.")
  var classificationWeight = fastRCNNDefaults.classificationWeight

  @Option(help: "Weight of the box loss.")
  var boxWeight = fastRCNNDefaults.boxWeight

  /// `--scale-jitter` as a range.
  func jitter() throws -> ClosedRange<Float>? {
    guard let scaleJitter else { return nil }
    let parts = scaleJitter.split(separator: ",").compactMap { Float($0) }
    guard parts.count == 2, parts[0] > 0, parts[0] <= parts[1], parts[1] <= 4 else {
      throw ValidationError(
        "--scale-jitter must be LOW,HIGH with 0 < LOW <= HIGH <= 4, got \(scaleJitter)")
    }
    return parts[0]...parts[1]
  }

  static func list(_ values: [Float]) -> String {
    values.map { "\($0)" }.joined(separator: ",")
  }

  /// `--backbone` split into the file and the tensor: the text up to `.onnx` is the file
  /// (tensor names may hold colons, `onnx::Conv_12`).
  func backboneParts() -> (file: String, tensor: String?)? {
    guard let backbone else { return nil }
    if let range = backbone.range(of: ".onnx:") {
      let tensor = String(backbone[range.upperBound...])
      return (String(backbone[..<range.lowerBound]) + ".onnx", tensor.isEmpty ? nil : tensor)
    }
    return (backbone, nil)
  }

  /// `--mean` or `--std` as three numbers.
  func triple(_ text: String?, option: String) throws -> [Float]? {
    guard let text else { return nil }
    let values = text.split(separator: ",", omittingEmptySubsequences: false).map {
      Float($0.trimmingCharacters(in: .whitespaces))
    }
    guard values.count == 3, values.allSatisfy({ $0?.isFinite ?? false }) else {
      throw ValidationError("\(option) must be three numbers R,G,B, got \(text)")
    }
    return values.map { $0! }
  }

  /// The normalisation of the options: the given values over the default of the backbone
  /// (RegionKit's for the small CNN, ImageNet's for an ONNX network).
  func normalization() throws -> InputNormalization {
    var n: InputNormalization = backbone == nil ? .regionKit : .imageNet
    n.mean = try triple(mean, option: "--mean") ?? n.mean
    n.std = try triple(std, option: "--std") ?? n.std
    n.channelOrder = channelOrder ?? n.channelOrder
    n.pixelRange = pixelRange ?? n.pixelRange
    return n
  }

  func validate() throws {
    if freezeBackbone && backbone == nil {
      throw ValidationError("--freeze-backbone needs --backbone MODEL.onnx")
    }
    if let parts = backboneParts(), parts.file.isEmpty {
      throw ValidationError("--backbone must be MODEL.onnx or MODEL.onnx:TENSOR, got \(backbone!)")
    }
    guard BoxRegressionLoss(parsing: boxLoss) != nil else {
      throw ValidationError(
        "--box-loss must be l1, mse, smooth-l1 or smooth-l1:BETA, got \(boxLoss)")
    }
    _ = try configuration(
      .fastRCNN, classes: [DetectorClass(name: "-", categoryID: 1)], training: TrainingSettings())
  }

  /// The configuration of a new model with these options and `schedule`.
  func configuration(
    _ architecture: DetectorArchitecture, classes: [DetectorClass], training: TrainingSettings
  ) throws -> FastRCNNConfiguration {
    var c = FastRCNNConfiguration(architecture: architecture, classes: classes)
    c.maxSide = maxSide ?? c.maxSide
    c.normalization = try normalization()
    c.pooling = pooling
    c.roisPerImage = roisPerImage
    c.backgroundLow = backgroundLow
    c.boxLoss = BoxRegressionLoss(parsing: boxLoss) ?? c.boxLoss
    c.classificationWeight = classificationWeight
    c.boxWeight = boxWeight
    c.training = training
    c.training.scaleJitter = try jitter()
    try validateOptions { try c.validate(file: "the command line") }
    return c
  }

  /// The configuration of a new model and, with `--backbone`, its network: the backbone
  /// recorded (frozen or not), `--max-side` taken from a fixed input size.
  ///
  /// - Throws: `CommandError` when `--max-side` or `--scale-jitter` contradict a fixed input
  ///   size; the backbone's errors.
  func prepare(
    _ architecture: DetectorArchitecture, classes: [DetectorClass], training: TrainingSettings
  ) throws -> (configuration: FastRCNNConfiguration, backbone: ONNXBackbone?) {
    var c = try configuration(architecture, classes: classes, training: training)
    guard let parts = backboneParts() else { return (c, nil) }
    let network = try ONNXBackbone(
      contentsOf: URL(fileURLWithPath: parts.file), tensor: parts.tensor, probeSide: c.maxSide)
    if let fixed = network.inputSize {
      let side = max(fixed.height, fixed.width)
      if let maxSide, maxSide != side {
        throw CommandError(
          "--max-side \(maxSide) does not fit \(parts.file), whose input is fixed at "
            + "\(fixed.height)x\(fixed.width): give --max-side \(side) or leave it out")
      }
      if scaleJitter != nil {
        throw CommandError(
          "--scale-jitter cannot be used with \(parts.file), whose input is fixed at "
            + "\(fixed.height)x\(fixed.width)")
      }
      c.maxSide = side
    }
    c.backbone = network.configuration(frozen: freezeBackbone)
    try validateOptions { try c.validate(file: "the command line") }
    return (c, network)
  }
}

/// Default schedules of Fast and Faster R-CNN (the configuration's training settings).
enum FastRCNNSchedule: ScheduleDefaults {
  static var settings: TrainingSettings { fastRCNNDefaults.training }
  static var batchMeaning: String { "Images per optimisation step" }
}
