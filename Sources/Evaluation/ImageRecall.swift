/// The proposal coverage of one dataset image: its evaluated objects and its proposal record.
///
///     for image in report.images where image.status == .missing {
///       print(image.fileName, "has no proposals")
///     }
public struct ImageRecall: Sendable, Hashable {
  /// Whether the image had a usable proposal record.
  public enum Status: Sendable, Hashable {
    /// A record was found and evaluated.
    case evaluated
    /// No record names this image; it counts as zero proposals.
    case missing
    /// The record carries an `"error"`; it counts as zero proposals.
    case failed(reason: String)
  }

  /// The dataset's image id.
  public var imageID: Int
  /// The file name, relative to the dataset's images folder.
  public var fileName: String
  /// Width, in pixels, as the dataset declares it.
  public var width: Int
  /// Height, in pixels, as the dataset declares it.
  public var height: Int
  /// Whether a record was found and usable.
  public var status: Status
  /// Number of proposals in the record (0 when missing or failed).
  public var proposalCount: Int
  /// Seconds the generator spent on the image, when the record says.
  public var seconds: Double?
  /// The evaluated ground-truth objects (crowd and difficult ones left out unless the
  /// configuration includes them), in annotation order.
  public var objects: [ObjectRecall]

  /// Creates an image record.
  ///
  /// - Parameters:
  ///   - imageID: The dataset's image id.
  ///   - fileName: The file name relative to the images folder.
  ///   - width: Width, in pixels.
  ///   - height: Height, in pixels.
  ///   - status: Whether a record was found.
  ///   - proposalCount: Number of proposals.
  ///   - seconds: Generator time, in seconds. Default: `nil`.
  ///   - objects: The evaluated objects.
  public init(
    imageID: Int, fileName: String, width: Int, height: Int, status: Status, proposalCount: Int,
    seconds: Double? = nil, objects: [ObjectRecall]
  ) {
    self.imageID = imageID
    self.fileName = fileName
    self.width = width
    self.height = height
    self.status = status
    self.proposalCount = proposalCount
    self.seconds = seconds
    self.objects = objects
  }
}
