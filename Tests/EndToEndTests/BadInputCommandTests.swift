import Foundation
import Imaging
import RegionKitTestSupport
import Testing

/// A folder of bad files through the image commands: every run ends with a typed error or a
/// clean refusal (exit below 128, never a trap), and an input that fails is never a success.
@Suite(.tags(.slow)) struct BadInputCommandTests {
  /// Bad files by name, and one good image.
  static func badFolder() throws -> URL {
    let folder = try Fixtures.temporaryDirectory("bad-inputs")
    let jpeg = try Data(contentsOf: Fixtures.url("dataset/images/rocket.jpg"))
    let files: [String: Data] = [
      "text.jpg": Data("just some text\n".utf8),
      "matrix.jpg": Data("2 2\n0 1\n1 0\n".utf8),
      "drawing.jpg": Data(
        #"<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9" height="9"/></svg>"#
          .utf8),
      "empty.png": Data(),
      "half.jpg": jpeg.prefix(jpeg.count / 2),
      "patched.jpg": jpeg.prefix(jpeg.count / 2) + Data([0xFF, 0xD9]),
      "noise.png": Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }),
    ]
    for (name, data) in files { try data.write(to: folder.appendingPathComponent(name)) }
    let good = Image(width: 40, height: 2, channels: 3, pixels: [Float](repeating: 0.5, count: 240))
    try good.write(to: folder.appendingPathComponent("good-1x20.png"))
    return folder
  }

  static let badNames = [
    "text.jpg", "matrix.jpg", "drawing.jpg", "empty.png", "half.jpg", "patched.jpg", "noise.png",
  ]

  @Test func eachBadFileFailsCleanlyInEveryImageCommand() throws {
    let folder = try Self.badFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("out")
    for name in Self.badNames {
      let file = folder.appendingPathComponent(name).path
      for arguments in [
        [
          "propose", file, "-o", out.appendingPathComponent("p.jsonl").path, "--method",
          "sliding-window",
        ],
        ["segment", file, "-o", out.appendingPathComponent("s.png").path],
        ["edges", file, "-o", out.appendingPathComponent("e.png").path],
      ] {
        let run = try runRegionKit(arguments)
        #expect(run.exitCode == 1, "\(arguments): \(run.exitCode) \(run.stderr)")
        #expect(run.stderr.contains(name), "\(arguments): \(run.stderr)")
      }
    }
  }

  @Test func aFolderOfBadFilesIsReportedAndStrictFails() throws {
    let folder = try Self.badFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("proposals.jsonl").path
    let relaxed = try runRegionKit([
      "propose", folder.path, "-o", output, "--method", "sliding-window", "--no-progress",
    ])
    #expect(relaxed.exitCode == 0, "\(relaxed.stderr)")
    for name in Self.badNames {
      #expect(relaxed.stderr.contains(name), "\(name) not reported: \(relaxed.stderr)")
    }
    let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == Self.badNames.count + 1)
    #expect(lines.filter { $0.contains("\"error\"") }.count == Self.badNames.count)
    let strict = try runRegionKit([
      "propose", folder.path, "-o", output, "--method", "sliding-window", "--no-progress",
      "--strict",
    ])
    #expect(strict.exitCode == 1)
    let info = try runRegionKit(["info", folder.path])
    #expect(info.exitCode < 128 && info.stderr.contains("text.jpg"))
    let evaluate = try runRegionKit(["evaluate", folder.path, "--proposals", output])
    #expect(evaluate.exitCode < 128 && evaluate.exitCode != 0)
  }
}
