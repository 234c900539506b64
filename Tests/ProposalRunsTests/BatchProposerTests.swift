import Foundation
import Imaging
import ProposalIO
import ProposalRuns
import Proposals
import RegionKitTestSupport
import Testing

/// A generator that takes longer on some images, so they finish out of order.
private struct UnevenGenerator: ProposalGenerator {
  var name: String { "uneven" }
  func proposals(for image: Image) throws -> [Proposal] {
    if image.width % 2 == 1 { usleep(20_000) }
    return try SlidingWindow(maxProposals: 5, seed: 2).proposals(for: image)
  }
}

/// A generator that is slow on the narrowest image and counts how many images it has started.
private final class SlowFirstGenerator: ProposalGenerator, @unchecked Sendable {
  private let lock = NSLock()
  private var started = 0
  /// How many images had started when the slow one finished.
  private(set) var startedWhenSlowFinished = 0

  var name: String { "slow-first" }

  func proposals(for image: Image) throws -> [Proposal] {
    lock.withLock { started += 1 }
    guard image.width == 20 else { return [] }
    usleep(400_000)
    lock.withLock { startedWhenSlowFinished = started }
    return []
  }
}

@Suite struct BatchProposerTests {
  /// PNG copies of a fixture at different sizes, plus one file that is not an image.
  func images() throws -> [(name: String, url: URL)] {
    let directory = try Fixtures.temporaryDirectory()
    let source = try Image(contentsOf: Fixtures.url("dataset/images/coffee.png"), maxSide: 40)
    var images: [(name: String, url: URL)] = []
    for index in 0..<9 {
      let url = directory.appendingPathComponent("i\(index).png")
      if index == 5 {
        try Data("not an image".utf8).write(to: url)
      } else {
        try source.resized(width: 20 + index, height: 16).write(to: url)
      }
      images.append(("i\(index).png", url))
    }
    return images
  }

  @Test func streamsRecordsInInputOrderForAnyNumberOfJobs() async throws {
    let images = try images()
    var orders: [[String]] = []
    for jobs in [1, 3] {
      var indices: [Int] = []
      var names: [String] = []
      try await BatchProposer(generator: UnevenGenerator(), jobs: jobs).stream(images) {
        index, record in
        indices.append(index)
        names.append(record.image)
      }
      #expect(indices == Array(0..<9))
      orders.append(names)
    }
    #expect(orders[0] == images.map(\.name) && orders[1] == orders[0])
  }

  @Test func recordsUnreadableImagesWithoutStopping() async throws {
    let records = try await BatchProposer(generator: UnevenGenerator(), jobs: 2).run(
      on: try images())
    #expect(records.count == 9)
    #expect(records[5].error != nil && records[5].proposals.isEmpty)
    #expect(records.enumerated().allSatisfy { $0.offset == 5 || $0.element.proposals.count == 5 })
  }

  @Test func stopsWhenTheReceiverThrows() async throws {
    struct Stop: Error {}
    var received = 0
    await #expect(throws: Stop.self) {
      try await BatchProposer(generator: UnevenGenerator(), jobs: 2).stream(try images()) { _, _ in
        received += 1
        if received == 3 { throw Stop() }
      }
    }
    #expect(received == 3)
  }

  @Test func aSlowImageHoldsBackAtMostFourTimesJobsFinishedRecords() async throws {
    let directory = try Fixtures.temporaryDirectory()
    let source = try Image(contentsOf: Fixtures.url("dataset/images/coffee.png"), maxSide: 40)
    var images: [(name: String, url: URL)] = []
    for index in 0..<24 {
      let url = directory.appendingPathComponent("i\(index).png")
      try source.resized(width: 20 + index, height: 16).write(to: url)
      images.append(("i\(index).png", url))
    }
    let generator = SlowFirstGenerator()
    var delivered = 0
    try await BatchProposer(generator: generator, jobs: 2).stream(images) { _, _ in delivered += 1 }
    #expect(delivered == 24)
    // Image 0 is slow: the others may run ahead only up to the window of 4 × 2 images.
    #expect(generator.startedWhenSlowFinished <= 8)
  }

  @Test func anImageOverTheMemoryBudgetFailsWithoutStoppingTheOthers() async throws {
    let images = try images()
    // i8.png is 28 x 16 = 448 pixels, 5376 bytes decoded; the others are smaller.
    let budget = MemoryBudget(limit: 448 * 12 - 1)
    var proposer = try BatchProposer(generator: UnevenGenerator(), jobs: 2)
    proposer.memoryBudget = budget
    let records = await proposer.run(on: images)
    #expect(records.map(\.image) == images.map(\.name))
    let refused = try #require(records.last?.error)
    #expect(refused.contains("i8.png") && refused.contains("--max-side 27"), "\(refused)")
    #expect(records.filter { $0.error == nil }.count == 7)
    // With a load-time shrink the same budget fits.
    var shrunk = try BatchProposer(generator: UnevenGenerator(), jobs: 2, maxSide: 27)
    shrunk.memoryBudget = budget
    #expect(shrunk.record(name: "i8.png", url: images[8].url).error == nil)
  }
}

@Test func batchProposerRefusesNoJobsAndAnEmptyMaxSide() {
  #expect(
    throws: ProposalRunsError.invalidArgument(name: "jobs", value: "0", allowed: "1 or more")
  ) {
    _ = try BatchProposer(generator: SlidingWindow(), jobs: 0)
  }
  #expect(throws: ProposalRunsError.self) {
    _ = try BatchProposer(generator: SlidingWindow(), jobs: 1, maxSide: 0)
  }
  #expect(throws: Never.self) { _ = try BatchProposer(generator: SlidingWindow(), jobs: 1) }
}
