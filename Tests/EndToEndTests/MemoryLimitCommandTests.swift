import Foundation
import Imaging
import RegionKitTestSupport
import Testing

@Suite struct MemoryLimitCommandTests {
  /// A 3000 x 3000 one-colour PNG: tiny on disk, 108 MB decoded.
  static func flatImage() throws -> URL {
    let folder = try Fixtures.temporaryDirectory("memory-limit")
    let url = folder.appendingPathComponent("flat.png")
    let flat = Image(
      width: 3000, height: 3000, channels: 3,
      pixels: [Float](repeating: 0.4, count: 3000 * 3000 * 3))
    try flat.write(to: url)
    return url
  }

  @Test func proposeRefusesAnImageOverTheLimitAndNamesTheMaxSideThatFits() throws {
    let image = try Self.flatImage()
    let output = image.deletingLastPathComponent().appendingPathComponent("out.jsonl")
    let refused = try runRegionKit([
      "propose", image.path, "--memory-limit", "64M", "--jobs", "1", "-o", output.path,
      "--no-progress",
    ])
    #expect(refused.exitCode == 1, "\(refused.stdout)\(refused.stderr)")
    #expect(refused.stderr.contains("3000x3000"), "\(refused.stderr)")
    #expect(refused.stderr.contains("selective-search"), "\(refused.stderr)")
    #expect(refused.stderr.contains("over the memory budget of 64.0 MiB"), "\(refused.stderr)")
    #expect(refused.stderr.contains("--max-side"), "\(refused.stderr)")
    let fits = try runRegionKit([
      "propose", image.path, "--memory-limit", "64M", "--jobs", "1", "--max-side", "256",
      "-o", output.path, "--no-progress",
    ])
    #expect(fits.exitCode == 0, "\(fits.stdout)\(fits.stderr)")
    #expect(fits.stdout.contains("1 images"), "\(fits.stdout)")
  }

  @Test func segmentAndEdgesRefuseAnImageOverTheLimit() throws {
    let image = try Self.flatImage()
    let output = image.deletingLastPathComponent().appendingPathComponent("picture.png")
    for command in [["segment", "--method", "fh"], ["edges", "--method", "canny"]] {
      let refused = try runRegionKit(
        command + [image.path, "--memory-limit", "64M", "-o", output.path])
      #expect(refused.exitCode == 1, "\(command): \(refused.stderr)")
      #expect(refused.stderr.contains("--max-side"), "\(command): \(refused.stderr)")
      let fits = try runRegionKit(
        command + [image.path, "--memory-limit", "64M", "--max-side", "256", "-o", output.path])
      #expect(fits.exitCode == 0, "\(command): \(fits.stderr)")
    }
  }

  /// R-CNN decodes the full image and runs its selective search on it: 108 MB decoded alone
  /// is over 64M; shrunk on load with detect's --max-side it fits and detects.
  @Test func detectRefusesAnImageOverTheLimitAndShrinksItWithMaxSide() throws {
    let image = try Self.flatImage()
    let model = try TrainedModels.model(.rcnnHOGSVM)
    let output = image.deletingLastPathComponent().appendingPathComponent("detections.json")
    let refused = try runRegionKit([
      "detect", model.path, image.path, "--memory-limit", "64M", "--jobs", "1", "-o",
      output.path, "--no-progress",
    ])
    #expect(refused.exitCode == 1, "\(refused.stdout)\(refused.stderr)")
    #expect(refused.stderr.contains("over the memory budget of 64.0 MiB"), "\(refused.stderr)")
    #expect(refused.stderr.contains("with RCNN with selective-search"), "\(refused.stderr)")
    #expect(refused.stderr.contains("--max-side"), "\(refused.stderr)")
    let fits = try runRegionKit([
      "detect", model.path, image.path, "--memory-limit", "64M", "--jobs", "1", "--max-side",
      "128", "-o", output.path, "--no-progress",
    ])
    #expect(fits.exitCode == 0, "\(fits.stdout)\(fits.stderr)")
  }

  @Test func aSizeThatDoesNotParseIsAUsageError() throws {
    let photo = Fixtures.url("dataset/images/chelsea.png").path
    let output = try Fixtures.temporaryDirectory().appendingPathComponent("x.png")
    for command in [
      ["propose", photo, "-o", output.deletingPathExtension().path + ".jsonl"],
      ["segment", photo, "-o", output.path],
    ] {
      let result = try runRegionKit(command + ["--memory-limit", "6X"])
      #expect(result.exitCode != 0)
      #expect(result.stderr.contains("--memory-limit"), "\(result.stderr)")
      #expect(result.stderr.contains("not a memory size"), "\(result.stderr)")
    }
  }
}
