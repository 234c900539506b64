import Foundation
import Imaging
import RegionKitTestSupport
import Testing

@Suite struct SegmentCommandTests {
  let photo = Fixtures.url("dataset/images/chelsea.png").path

  @Test(arguments: ["fh", "kmeans", "slic"])
  func writesSegmentsBesideTheBoundaryOverlay(method: String) throws {
    let output = try Fixtures.temporaryDirectory().appendingPathComponent("\(method).png")
    let result = try runRegionKit([
      "segment", photo, "--method", method, "--max-side", "160", "-o", output.path,
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("segments of 160x106 by \(method)"))
    let picture = try Image(contentsOf: output)
    #expect(picture.width == 2 * 160 + 8 && picture.height == 106)
  }

  @Test func fhConnectivityFourAndEightBothRunAndOtherValuesAreRejected() throws {
    let directory = try Fixtures.temporaryDirectory()
    var counts: [String: String] = [:]
    for connectivity in ["4", "8"] {
      let output = directory.appendingPathComponent("fh\(connectivity).png")
      let result = try runRegionKit([
        "segment", photo, "--method", "fh", "--connectivity", connectivity, "--max-side", "160",
        "-o", output.path,
      ])
      #expect(result.exitCode == 0, "\(result.stderr)")
      counts[connectivity] = result.stdout.components(separatedBy: " segments").first
    }
    #expect(counts["4"] != counts["8"])
    let output = directory.appendingPathComponent("bad.png")
    let bad = try runRegionKit(["segment", photo, "--connectivity", "6", "-o", output.path])
    #expect(bad.exitCode != 0)
    #expect(bad.stderr.contains("--connectivity must be 4 or 8"))
  }

  @Test func fhEightBitRoundsTheChannelsFirst() throws {
    let directory = try Fixtures.temporaryDirectory()
    var counts: [String] = []
    for extra in [[], ["--eight-bit"]] {
      let output = directory.appendingPathComponent("fh\(extra.count).png")
      let result = try runRegionKit(
        [
          "segment", photo, "--method", "fh", "--color-space", "hsv", "--connectivity", "4",
          "--threshold", "150", "--min-size", "100", "--max-side", "160", "-o", output.path,
        ] + extra)
      #expect(result.exitCode == 0, "\(result.stderr)")
      counts.append(result.stdout.components(separatedBy: " segments").first ?? "")
    }
    // The resized photo's HSV channels are off the 8-bit grid, so rounding moves some edges.
    #expect(counts[0] != counts[1], "\(counts)")
  }

  @Test func edgesCommandWritesAMap() throws {
    let directory = try Fixtures.temporaryDirectory()
    for method in ["sobel", "scharr", "canny"] {
      let output = directory.appendingPathComponent("\(method).png")
      let result = try runRegionKit([
        "edges", photo, "--method", method, "--max-side", "120", "-o", output.path,
      ])
      #expect(result.exitCode == 0, "\(result.stderr)")
      let picture = try Image(contentsOf: output)
      #expect(picture.width == 120)
      #expect(picture.pixels.contains { $0 > 0.5 })
    }
  }

  @Test func badParametersAreTypedErrors() throws {
    let output = try Fixtures.temporaryDirectory().appendingPathComponent("x.png")
    let result = try runRegionKit([
      "segment", photo, "--method", "slic", "--segments", "0", "-o", output.path,
    ])
    #expect(result.exitCode != 0)
    #expect(result.stderr.contains("segments"))
    #expect(!result.stderr.contains("Fatal error"))
  }
}
