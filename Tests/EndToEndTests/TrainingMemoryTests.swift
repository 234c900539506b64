import Foundation
import RegionKitTestSupport
import Testing

/// Training memory is bounded by the minibatch, not the dataset: images are decoded per batch.
@Suite(.tags(.slow)) struct TrainingMemoryTests {
  /// The peak memory `train` prints ("peak memory N MB").
  static func peakMemory(_ stdout: String) throws -> Double {
    let range = try #require(
      stdout.range(of: #"peak memory (\d+) MB"#, options: .regularExpression))
    let digits = stdout[range].split(separator: " ")[2]
    return try #require(Double(digits))
  }

  @Test func classifyLocalizeMemoryDoesNotGrowWithTheDataset() throws {
    let folder = try Fixtures.temporaryDirectory("memory")
    defer { try? FileManager.default.removeItem(at: folder) }
    var peaks: [Double] = []
    for count in [200, 2000] {
      let data = folder.appendingPathComponent("data-\(count)")
      let synth = try runRegionKit([
        "synth", "-o", data.path, "--images", "\(count)", "--size", "64x64", "--objects", "1",
        "--seed", "3",
      ])
      #expect(synth.exitCode == 0, "\(synth.stderr)")
      let train = try runRegionKit([
        "train", "classify-localize", data.path, "-o",
        folder.appendingPathComponent("m\(count)").path,
        "--epochs", "1", "--validation-fraction", "0", "--input-size", "96", "--no-progress",
      ])
      #expect(train.exitCode == 0, "\(train.stderr)")
      peaks.append(try Self.peakMemory(train.stdout))
    }
    // Decoded 96x96 inputs of 1,800 more images would take 199 MB; streaming adds only their
    // annotations (a few MB), and the allocator's high-water mark moves by some tens of MB
    // from run to run.
    #expect(
      peaks[1] - peaks[0] < 80, "peak memory \(peaks[0]) MB for 200 images, \(peaks[1]) MB for 2000"
    )
  }
}
