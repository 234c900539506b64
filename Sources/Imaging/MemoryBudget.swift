import Foundation

/// The most memory one image may take while a method processes it, checked before the image
/// is decoded.
///
/// An image needs its decoded pixels (``decodedBytesPerPixel`` per pixel of the size it loads
/// at) plus the method's own peak (``PeakMemoryEstimating/estimatedPeakMemory(width:height:)``).
/// ``check(file:width:height:maxSide:method:estimator:)`` throws when that is over ``limit``,
/// naming the largest load-time `maxSide` that would fit. The file header gives the size
/// (``ImageInfo/read(contentsOf:decoding:)``), so a 10000 x 10000 one-colour PNG of 300 KB is
/// refused before its 1.2 GB of pixels are decoded.
///
///     let budget = MemoryBudget.standard(jobs: 2)       // half the machine, per job
///     let info = try ImageInfo.read(contentsOf: url)
///     try budget.check(
///       file: url.path, width: info.uprightWidth, height: info.uprightHeight, maxSide: nil,
///       method: search.name, estimator: search)
///
/// - Parameters:
///   - limit: Bytes one image may take, or `nil` for no limit. Default for the command line:
///     ``standard(jobs:)``, half the machine's memory divided by the images processed at once.
public struct MemoryBudget: Sendable, Hashable, CustomStringConvertible {
  /// Bytes one image may take, or `nil` for no limit.
  public var limit: Int?

  /// Creates a budget of `limit` bytes (`nil`: no limit).
  public init(limit: Int?) {
    self.limit = limit
  }

  /// No limit: ``check(file:width:height:maxSide:method:estimator:)`` never throws.
  public static let unlimited = MemoryBudget(limit: nil)

  /// Bytes per pixel of a decoded image: RGB, one `Float` per channel.
  public static let decodedBytesPerPixel = 12

  /// The share of the machine's memory the default budget gives all jobs together: `0.5`.
  public static let defaultShare = 0.5

  /// The default budget: ``defaultShare`` of the machine's memory
  /// (``machineMemory(physicalMemory:cgroupV2:cgroupV1:)`` of this process) divided by `jobs`.
  ///
  /// - Parameter jobs: Images processed at once, at least 1.
  public static func standard(jobs: Int) -> MemoryBudget {
    func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
    return standard(
      jobs: jobs, physicalMemory: ProcessInfo.processInfo.physicalMemory,
      cgroupV2: read("/sys/fs/cgroup/memory.max"),
      cgroupV1: read("/sys/fs/cgroup/memory/memory.limit_in_bytes"))
  }

  /// The default budget for given machine facts (for tests; ``standard(jobs:)`` reads them).
  ///
  /// - Parameters:
  ///   - jobs: Images processed at once; values below 1 count as 1.
  ///   - physicalMemory: The machine's memory, in bytes.
  ///   - cgroupV2: The text of `/sys/fs/cgroup/memory.max`, or `nil` when missing.
  ///   - cgroupV1: The text of `/sys/fs/cgroup/memory/memory.limit_in_bytes`, or `nil`.
  public static func standard(
    jobs: Int, physicalMemory: UInt64, cgroupV2: String?, cgroupV1: String?
  ) -> MemoryBudget {
    let memory = machineMemory(
      physicalMemory: physicalMemory, cgroupV2: cgroupV2, cgroupV1: cgroupV1)
    return MemoryBudget(limit: Int(Double(memory) * defaultShare) / max(1, jobs))
  }

  /// The memory this process may use, in bytes: the smaller of the physical memory and the
  /// control group's limit, so containers, Kubernetes pods and Slurm jobs count their own
  /// limit, not the host's.
  ///
  /// - Parameters:
  ///   - physicalMemory: The machine's memory, in bytes.
  ///   - cgroupV2: The text of cgroup v2's `memory.max` (`max` or bytes), or `nil`.
  ///   - cgroupV1: The text of cgroup v1's `memory.limit_in_bytes` (bytes; a huge value means
  ///     none), or `nil`.
  /// - Returns: Bytes; text that is not a positive number is ignored.
  public static func machineMemory(
    physicalMemory: UInt64, cgroupV2: String?, cgroupV1: String?
  ) -> Int {
    var memory = Int(clamping: physicalMemory)
    for text in [cgroupV2, cgroupV1] {
      guard let text, let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)),
        value > 0
      else { continue }
      memory = min(memory, value)
    }
    return memory
  }

  /// Parses a size: bytes (`1073741824`), or a number with a binary unit, `K`, `M`, `G` or `T`
  /// (`2048K`, `512M`, `6G`, `1.5G`; `KiB`, `MB` and lower case are accepted, 1K = 1024
  /// bytes), or `none` for no limit.
  ///
  /// - Parameter text: The size.
  /// - Throws: ``MemoryBudgetError/invalidSize(value:)`` for anything else, zero or a
  ///   negative size.
  public init(parsing text: String) throws(MemoryBudgetError) {
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    if trimmed == "none" {
      self = .unlimited
      return
    }
    var number = Substring(trimmed)
    for suffix in ["ib", "b", "i"] where number.hasSuffix(suffix) {
      number = number.dropLast(suffix.count)
      break
    }
    let units: [Character: Double] = [
      "k": 1024, "m": 1_048_576, "g": 1_073_741_824, "t": 1_099_511_627_776,
    ]
    var scale = 1.0
    if let last = number.last, let unit = units[last] {
      scale = unit
      number = number.dropLast()
    }
    guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
      let value = Double(number), value > 0, value * scale >= 1,
      value * scale < Double(Int.max)
    else { throw .invalidSize(value: text) }
    self.init(limit: Int((value * scale).rounded(.down)))
  }

  /// Bytes a `width` x `height` image needs loaded with `maxSide`: its decoded pixels at the
  /// loaded size plus `estimator`'s estimate there.
  public static func required(
    width: Int, height: Int, maxSide: Int?, estimator: any PeakMemoryEstimating
  ) -> (decoded: Int, estimate: Int) {
    let loaded = MemoryEstimate.shrunkSize(width: width, height: height, maxSide: maxSide)
    return (
      MemoryEstimate.bytes(
        perPixel: Double(decodedBytesPerPixel), width: loaded.width, height: loaded.height),
      estimator.estimatedPeakMemory(width: loaded.width, height: loaded.height)
    )
  }

  /// Refuses an image whose decoded pixels and the method's estimated peak exceed ``limit``.
  ///
  /// - Parameters:
  ///   - file: The image's name in the error.
  ///   - width: Its upright width as stored (``ImageInfo/uprightWidth``).
  ///   - height: Its upright height as stored.
  ///   - maxSide: The longest side it is shrunk to on load, or `nil` for full size.
  ///   - method: The method's name in the error.
  ///   - estimator: The method.
  /// - Throws: ``MemoryBudgetError/overBudget(file:width:height:loadedWidth:loadedHeight:method:decoded:estimate:limit:fittingSide:)``
  ///   with the largest `maxSide` that fits.
  /// - Complexity: O(log(max(`width`, `height`))) estimates when over the limit, one otherwise.
  public func check(
    file: String, width: Int, height: Int, maxSide: Int?, method: String,
    estimator: any PeakMemoryEstimating
  ) throws(MemoryBudgetError) {
    guard let limit else { return }
    let (decoded, estimate) = Self.required(
      width: width, height: height, maxSide: maxSide, estimator: estimator)
    guard MemoryEstimate.sum(decoded, estimate) > limit else { return }
    let loaded = MemoryEstimate.shrunkSize(width: width, height: height, maxSide: maxSide)
    throw .overBudget(
      file: file, width: width, height: height, loadedWidth: loaded.width,
      loadedHeight: loaded.height, method: method, decoded: decoded, estimate: estimate,
      limit: limit,
      fittingSide: largestFittingSide(width: width, height: height, estimator: estimator))
  }

  /// The largest load-time `maxSide` with which a `width` x `height` image fits ``limit``,
  /// `nil` when not even a 1-pixel side does (or there is no limit). Assumes the estimate
  /// grows with the image, as every RegionKit method's does.
  public func largestFittingSide(width: Int, height: Int, estimator: any PeakMemoryEstimating)
    -> Int?
  {
    guard let limit else { return nil }
    func fits(_ side: Int) -> Bool {
      let (decoded, estimate) = Self.required(
        width: width, height: height, maxSide: side, estimator: estimator)
      return MemoryEstimate.sum(decoded, estimate) <= limit
    }
    var low = 1
    var high = max(1, max(width, height))
    guard fits(low) else { return nil }
    while low < high {
      let middle = low + (high - low + 1) / 2
      if fits(middle) { low = middle } else { high = middle - 1 }
    }
    return low
  }

  /// `"none"` or the limit in the units of ``format(_:)``.
  public var description: String { limit.map(Self.format) ?? "none" }

  /// Bytes in binary units for messages: `"512 KiB"`, `"64.0 MiB"`, `"11.2 GiB"`.
  public static func format(_ bytes: Int) -> String {
    let value = Double(bytes)
    if value >= Double(1 << 30) { return String(format: "%.1f GiB", value / Double(1 << 30)) }
    if value >= Double(1 << 20) { return String(format: "%.1f MiB", value / Double(1 << 20)) }
    if value >= 1024 { return String(format: "%.0f KiB", value / 1024) }
    return "\(bytes) bytes"
  }
}
