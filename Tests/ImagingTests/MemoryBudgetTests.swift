import Foundation
import Imaging
import Testing

/// An estimator of `bytesPerPixel` per pixel, for budget checks independent of any method.
private struct PerPixel: PeakMemoryEstimating {
  var bytesPerPixel: Double
  func estimatedPeakMemory(width: Int, height: Int) -> Int {
    MemoryEstimate.bytes(perPixel: bytesPerPixel, width: width, height: height)
  }
}

@Suite struct MemoryBudgetTests {
  @Test(arguments: [
    ("1073741824", 1_073_741_824), ("2048K", 2_097_152), ("512M", 536_870_912),
    ("6G", 6_442_450_944), ("6g", 6_442_450_944), ("6GiB", 6_442_450_944),
    ("6GB", 6_442_450_944), ("1.5G", 1_610_612_736), ("2T", 2_199_023_255_552),
    (" 64M ", 67_108_864), ("100b", 100),
  ])
  func parsesBytesAndBinaryUnits(text: String, bytes: Int) throws {
    #expect(try MemoryBudget(parsing: text).limit == bytes)
  }

  @Test func noneDisablesTheLimit() throws {
    #expect(try MemoryBudget(parsing: "none") == .unlimited)
    #expect(try MemoryBudget(parsing: "NONE").limit == nil)
  }

  @Test(arguments: ["", "G", "0", "-1G", "6X", "6 G", "1e3", "abc", "0.1", "1.2.3M", "99999999T"])
  func refusesWhatIsNotASize(text: String) {
    #expect(throws: MemoryBudgetError.invalidSize(value: text)) {
      try MemoryBudget(parsing: text)
    }
  }

  @Test func invalidSizeMessageSaysWhatIsAllowed() {
    let message = MemoryBudgetError.invalidSize(value: "6X").description
    #expect(message.contains("\"6X\""))
    #expect(message.contains("6G") && message.contains("none") && message.contains("1024"))
  }

  @Test func defaultIsHalfTheSmallerOfPhysicalAndCgroupMemoryPerJob() {
    let gib = 1 << 30
    let physical = UInt64(16 * gib)
    // No cgroup limit: half of physical memory, divided by the jobs.
    #expect(
      MemoryBudget.standard(jobs: 1, physicalMemory: physical, cgroupV2: nil, cgroupV1: nil)
        .limit == 8 * gib)
    #expect(
      MemoryBudget.standard(jobs: 4, physicalMemory: physical, cgroupV2: "max\n", cgroupV1: nil)
        .limit == 2 * gib)
    // A cgroup v2 limit below physical memory wins.
    #expect(
      MemoryBudget.standard(
        jobs: 2, physicalMemory: physical, cgroupV2: "\(4 * gib)\n", cgroupV1: nil
      ).limit == gib)
    // cgroup v1's "unlimited" is a huge number: physical memory stays.
    #expect(
      MemoryBudget.standard(
        jobs: 1, physicalMemory: physical, cgroupV2: nil, cgroupV1: "9223372036854771712\n"
      ).limit == 8 * gib)
    #expect(
      MemoryBudget.standard(
        jobs: 1, physicalMemory: physical, cgroupV2: nil, cgroupV1: "\(2 * gib)"
      ).limit == gib)
    // Unreadable text is ignored; jobs below 1 count as 1.
    #expect(
      MemoryBudget.standard(jobs: 0, physicalMemory: physical, cgroupV2: "garbage", cgroupV1: "")
        .limit == 8 * gib)
  }

  @Test func standardReadsThisMachine() {
    let limit = MemoryBudget.standard(jobs: 1).limit ?? 0
    #expect(limit > 0)
    #expect(UInt64(limit) <= ProcessInfo.processInfo.physicalMemory / 2 + 1)
  }

  @Test func checkCountsTheDecodedImageAndTheEstimateAtTheLoadedSize() throws {
    let method = PerPixel(bytesPerPixel: 100)
    // 1000 x 1000 needs 12 MB decoded + 100 MB: fits 120 MB, not 100 MB.
    try MemoryBudget(limit: 120_000_000).check(
      file: "a.png", width: 1000, height: 1000, maxSide: nil, method: "m", estimator: method)
    #expect(throws: MemoryBudgetError.self) {
      try MemoryBudget(limit: 100_000_000).check(
        file: "a.png", width: 1000, height: 1000, maxSide: nil, method: "m", estimator: method)
    }
    // Shrunk on load to 500 x 500: a quarter.
    try MemoryBudget(limit: 30_000_000).check(
      file: "a.png", width: 1000, height: 1000, maxSide: 500, method: "m", estimator: method)
    try MemoryBudget.unlimited.check(
      file: "a.png", width: 100_000, height: 100_000, maxSide: nil, method: "m",
      estimator: method)
  }

  @Test func refusalNamesFileSizeMethodEstimateBudgetAndTheMaxSideThatFits() {
    let budget = MemoryBudget(limit: 64 << 20)
    let method = PerPixel(bytesPerPixel: 200)
    do {
      try budget.check(
        file: "flat.png", width: 3000, height: 3000, maxSide: nil, method: "selective-search",
        estimator: method)
      Issue.record("a 3000x3000 image at 212 B/px fits 64 MiB")
    } catch {
      guard case .overBudget(_, _, _, _, _, _, _, _, _, let side?) = error else {
        Issue.record("\(error)")
        return
      }
      // The suggested side fits, one more pixel does not.
      let fits = { (side: Int) in
        let (decoded, estimate) = MemoryBudget.required(
          width: 3000, height: 3000, maxSide: side, estimator: method)
        return decoded + estimate <= 64 << 20
      }
      #expect(fits(side) && !fits(side + 1))
      let message = error.description
      for part in [
        "flat.png", "3000x3000", "selective-search", "103.0 MiB", "1.7 GiB", "64.0 MiB",
        "--max-side \(side)", "--memory-limit",
      ] {
        #expect(message.contains(part), "\(part) missing in: \(message)")
      }
    }
  }

  @Test func refusalSaysWhenNoMaxSideFits() {
    let error = MemoryBudgetError.overBudget(
      file: "a.png", width: 10, height: 10, loadedWidth: 5, loadedHeight: 5, method: "m",
      decoded: 300, estimate: 10, limit: 1, fittingSide: nil)
    #expect(error.description.contains("no --max-side fits"))
    #expect(error.description.contains("5x5 after --max-side"))
    #expect(
      MemoryBudget(limit: 1).largestFittingSide(
        width: 10, height: 10, estimator: PerPixel(bytesPerPixel: 0)) == nil)
  }

  @Test func estimatesSaturateInsteadOfOverflowing() {
    #expect(MemoryEstimate.bytes(perPixel: 1e6, width: Int.max, height: Int.max) == Int.max)
    #expect(MemoryEstimate.sum(Int.max, 1) == Int.max)
    #expect(MemoryEstimate.bytes(perPixel: 2.5, width: 3, height: 1) == 8)
  }

  @Test(
    arguments: [
      (4000, 3000, 1000, 1000, 750), (300, 4000, 400, 30, 400), (800, 600, 1000, 800, 600),
      (800, 600, nil, 800, 600),
    ] as [(Int, Int, Int?, Int, Int)])
  func shrunkSizeKeepsTheAspectRatioAndNeverEnlarges(
    width: Int, height: Int, maxSide: Int?, shrunkWidth: Int, shrunkHeight: Int
  ) {
    let size = MemoryEstimate.shrunkSize(width: width, height: height, maxSide: maxSide)
    #expect(size.width == shrunkWidth && size.height == shrunkHeight)
  }

  @Test func formatsInBinaryUnits() {
    #expect(MemoryBudget.format(512) == "512 bytes")
    #expect(MemoryBudget.format(2048) == "2 KiB")
    #expect(MemoryBudget.format(64 << 20) == "64.0 MiB")
    #expect(MemoryBudget.format(3 << 29) == "1.5 GiB")
    #expect(MemoryBudget(limit: nil).description == "none")
  }
}
