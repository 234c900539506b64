import Foundation
import NeuralNet

/// Everything that defines a Fast or Faster R-CNN model folder (`config.json`): the classes,
/// the input scale, the network sizes, the sampling and loss settings.
///
/// Defaults suit 128x128 synthetic scenes (objects 19–58 px): the backbone has stride 8
/// (a 16x16 feature map), anchors of 24, 40 and 64 px at ratios 0.5, 1 and 2. For raccoon
/// images downsized to a longer side of 256 use `maxSide: 256` and anchor sizes about
/// 48, 96 and 192 (the anchors should span the object sizes in the downsized images).
public struct FastRCNNConfiguration: Sendable, Hashable, Codable {
  /// The architecture, ``DetectorArchitecture/fastRCNN`` or ``DetectorArchitecture/fasterRCNN``.
  public var architecture: DetectorArchitecture
  /// Class names (without background), label order.
  public var classes: [String]
  /// The dataset category id of each class.
  public var categoryIDs: [Int]
  /// Images are resized so that their longer side is this many pixels. Default: 128.
  public var maxSide: Int = 128
  /// Per-channel normalisation mean and standard deviation of RGB values in [0, 1].
  public var mean: [Float] = [0.5, 0.5, 0.5]
  public var std: [Float] = [0.25, 0.25, 0.25]
  /// Output channels of the four backbone convolutions (3x3, ReLU, the first three followed
  /// by 2x2 max pooling: stride 8). Default: 16, 32, 64, 64.
  public var backboneChannels: [Int] = [16, 32, 64, 64]
  /// RoI pooling: `"align"` (RoIAlign, sampling ratio 2) or `"pool"` (RoIPool). Default: align.
  public var pooling: String = "align"
  /// Pooled output side. Default: 7.
  public var pooledSize: Int = 7
  /// Width of the two fully connected layers of the RoI head. Default: 256.
  public var hiddenSize: Int = 256
  /// Localisation loss of the head (smooth L1 with beta 1 by default, Girshick 2015).
  public var boxLoss: BoxRegressionLoss = .smoothL1(beta: 1)
  /// Weight of the classification loss. Default: 1.
  public var classificationWeight: Float = 1
  /// Weight λ of the localisation loss. Default: 1.
  public var boxWeight: Float = 1
  /// Head sampling: RoIs per image (64), foreground share (0.25), foreground IoU (0.5),
  /// background IoU interval [backgroundLow, foregroundIoU) with backgroundLow 0.1.
  public var roisPerImage: Int = 64
  public var foregroundFraction: Float = 0.25
  public var foregroundIoU: Float = 0.5
  public var backgroundLow: Float = 0.1
  /// Anchor sizes in pixels of the resized image and aspect ratios (height / width).
  public var anchorSizes: [Float] = [24, 40, 64]
  public var aspectRatios: [Float] = [0.5, 1, 2]
  /// RPN matching (0.7 / 0.3), sample (256 anchors, 50% positive).
  public var rpnPositiveIoU: Float = 0.7
  public var rpnNegativeIoU: Float = 0.3
  public var rpnSampleCount: Int = 256
  public var rpnPositiveFraction: Float = 0.5
  /// Proposals kept before and after the RPN's NMS in training and in testing.
  public var rpnPreNMSTrain: Int = 1000
  public var rpnPostNMSTrain: Int = 300
  public var rpnPreNMSTest: Int = 500
  public var rpnPostNMSTest: Int = 100
  /// IoU of the RPN's NMS. Default: 0.7.
  public var rpnNMSThreshold: Double = 0.7
  /// Proposals whose objectness probability is below this are discarded (0 keeps all; the
  /// brief's option is 0.5).
  public var rpnScoreThreshold: Float = 0
  /// Proposals with a side below this many pixels are removed. Default: 1.
  public var rpnMinSize: Float = 1
  /// Weight of the RPN's two losses in Faster R-CNN's sum. Default: 1.
  public var rpnWeight: Float = 1
  /// Proposals per image from the proposal generator of Fast R-CNN (training and testing).
  public var maxProposals: Int = 500
  /// The proposal method of Fast R-CNN (a `regionkit propose` method name).
  public var proposalMethod: String = "selective-search"

  /// Creates a configuration with the defaults above.
  public init(architecture: DetectorArchitecture, classes: [String], categoryIDs: [Int]) {
    self.architecture = architecture
    self.classes = classes
    self.categoryIDs = categoryIDs
  }

  /// The backbone's stride (2 to the number of pooling layers, 8 with four convolutions).
  public var stride: Int { 1 << min(3, max(backboneChannels.count - 1, 0)) }
}
