import Foundation
import Imaging
import ProposalIO
import Proposals

/// Runs a ``/Proposals/ProposalGenerator`` over many images with bounded concurrency.
///
/// Images are decoded one by one inside the worker that proposes for them, so at most
/// `jobs` images are in memory at once. A failed image (unreadable file, generator error)
/// becomes a record with `error` set; the run goes on. Records come back in input order,
/// identical for any `jobs`.
///
///     let proposer = try BatchProposer(generator: SlidingWindow(), jobs: 2)
///     let records = await proposer.run(on: [("cat.jpg", url)]) { done in print(done) }
///
/// - Parameters:
///   - generator: The method. Default: none (required).
///   - jobs: Images processed at once, at least 1. Default: the number of active cores.
///   - maxSide: Images whose longer side exceeds this are shrunk on load (boxes then refer to
///     the shrunk size, which the record's width and height give). Default: `nil`, full size.
public struct BatchProposer: Sendable {
  public var generator: any ProposalGenerator
  public var jobs: Int
  public var maxSide: Int?
  /// An image whose decoded pixels and the generator's estimated peak
  /// (``/Imaging/PeakMemoryEstimating``) exceed this budget, at the size it loads at, is not
  /// decoded: its record carries the ``/Imaging/MemoryBudgetError``, judged from the file's
  /// header, with the `maxSide` that would fit. Default: ``/Imaging/MemoryBudget/unlimited``.
  ///
  ///     var proposer = BatchProposer(generator: SelectiveSearch(), jobs: 2)
  ///     proposer.memoryBudget = .standard(jobs: 2)
  public var memoryBudget: MemoryBudget = .unlimited

  ///
  /// - Throws: ``ProposalRunsError/invalidArgument(name:value:allowed:)`` when `jobs` is below
  ///   1 or `maxSide` is below 1.
  public init(
    generator: any ProposalGenerator, jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
    maxSide: Int? = nil
  ) throws(ProposalRunsError) {
    guard jobs >= 1 else {
      throw .invalidArgument(name: "jobs", value: "\(jobs)", allowed: "1 or more")
    }
    if let maxSide, maxSide < 1 {
      throw .invalidArgument(name: "maxSide", value: "\(maxSide)", allowed: "1 or more, or nil")
    }
    self.generator = generator
    self.jobs = jobs
    self.maxSide = maxSide
  }

  /// Proposals for one image file; errors are returned in the record, never thrown.
  ///
  /// - Parameters:
  ///   - name: The record's `image` (the file name relative to the dataset's images folder).
  ///   - url: The file.
  public func record(name: String, url: URL) -> ProposalRecord {
    let image: Image
    do {
      try checkMemory(url)
      image = try Image(contentsOf: url, maxSide: maxSide)
    } catch {
      return ProposalRecord(
        image: name, width: 0, height: 0, proposals: [], error: "\(error)")
    }
    let clock = ContinuousClock()
    let start = clock.now
    do {
      let proposals = try generator.proposals(for: image)
      let elapsed = start.duration(to: clock.now)
      return ProposalRecord(
        image: name, width: image.width, height: image.height,
        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds)
          * 1e-18,
        proposals: proposals)
    } catch {
      return ProposalRecord(
        image: name, width: image.width, height: image.height, proposals: [], error: "\(error)")
    }
  }

  /// Throws when ``memoryBudget`` refuses the image at `url`, judged from its header; a
  /// header that cannot be read is left for the decoder to report.
  func checkMemory(_ url: URL) throws(MemoryBudgetError) {
    guard memoryBudget.limit != nil, let info = try? ImageInfo.read(contentsOf: url) else {
      return
    }
    try memoryBudget.check(
      file: url.path, width: info.uprightWidth, height: info.uprightHeight, maxSide: maxSide,
      method: generator.name, estimator: generator)
  }

  /// Proposals for every image, in input order.
  ///
  /// - Parameters:
  ///   - images: `(name, url)` pairs.
  ///   - progress: Called after each image with the number done so far. Default: `nil`.
  /// - Returns: One record per image, in input order.
  public func run(
    on images: [(name: String, url: URL)], progress: (@Sendable (Int) -> Void)? = nil
  ) async -> [ProposalRecord] {
    var records: [ProposalRecord] = []
    records.reserveCapacity(images.count)
    // `receive` never throws here, so neither does `stream`.
    try? await stream(images, progress: progress) { _, record in records.append(record) }
    return records
  }

  /// Proposes for every image and hands each record to `receive` as soon as it and all the
  /// records before it are done, in input order — for writing results as they come instead
  /// of holding them all.
  ///
  /// At most ``jobs`` images are processed at once, and at most `4 × jobs` finished records
  /// wait for a slow earlier image, so memory stays bounded however many images there are.
  ///
  ///     try await proposer.stream(images) { index, record in try writer.append(record) }
  ///
  /// - Parameters:
  ///   - images: `(name, url)` pairs.
  ///   - progress: Called after each image with the number done so far. Default: `nil`.
  ///   - receive: Called once per image with its index in `images` and its record, in order.
  /// - Throws: What `receive` throws; the images in flight are then cancelled and awaited.
  public func stream(
    _ images: [(name: String, url: URL)], progress: (@Sendable (Int) -> Void)? = nil,
    receive: (Int, ProposalRecord) throws -> Void
  ) async throws {
    let window = 4 * jobs
    try await withThrowingTaskGroup(of: (Int, ProposalRecord).self) { group in
      var next = 0
      var nextToDeliver = 0
      var done = 0
      var waiting: [Int: ProposalRecord] = [:]
      var running = 0
      func submit() {
        while running < jobs, next < images.count, next < nextToDeliver + window {
          let index = next
          let (name, url) = images[index]
          group.addTask { (index, record(name: name, url: url)) }
          next += 1
          running += 1
        }
      }
      submit()
      while let (index, record) = try await group.next() {
        running -= 1
        done += 1
        progress?(done)
        waiting[index] = record
        while let ready = waiting.removeValue(forKey: nextToDeliver) {
          try receive(nextToDeliver, ready)
          nextToDeliver += 1
        }
        submit()
      }
    }
  }
}
