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

  /// `detect` on a plain folder of bad files and on a COCO dataset with unreadable images:
  /// each is listed on standard error and in --timings and --write-proposals, the run goes on,
  /// --strict exits 1, and a single bad image always exits 1.
  @Test func detectReportsEveryUnreadableImageAndStrictFails() throws {
    let folder = try Self.badFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = try TrainedModels.model(.fastRCNN)
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
    let output = folder.appendingPathComponent("out/detections.json")
    let timings = folder.appendingPathComponent("out/timings.json")
    let proposals = folder.appendingPathComponent("out/proposals.jsonl")
    let arguments = [
      "detect", model.path, folder.path, "-o", output.path, "--timings", timings.path,
      "--write-proposals", proposals.path, "--no-progress",
    ]
    let relaxed = try runRegionKit(arguments)
    #expect(relaxed.exitCode == 0, "\(relaxed.stderr)")
    for name in Self.badNames {
      #expect(relaxed.stderr.contains("error: \(name)"), "\(name) not reported: \(relaxed.stderr)")
    }
    #expect(relaxed.stdout.contains("\(Self.badNames.count) failed"), "\(relaxed.stdout)")
    let timed =
      try JSONSerialization.jsonObject(with: Data(contentsOf: timings)) as? [[String: Any]]
    #expect(timed?.count == Self.badNames.count + 1)
    #expect(timed?.filter { $0["error"] != nil }.count == Self.badNames.count)
    let lines = try String(contentsOf: proposals, encoding: .utf8).split(separator: "\n")
    #expect(lines.filter { $0.contains("\"error\"") }.count == Self.badNames.count)
    let strict = try runRegionKit(arguments + ["--strict"])
    #expect(strict.exitCode == 1, "\(strict.stderr)")
    for name in ["half.jpg", "text.jpg"] {
      let single = try runRegionKit([
        "detect", model.path, folder.appendingPathComponent(name).path, "-o", output.path,
      ])
      #expect(single.exitCode == 1, "\(name): \(single.stderr)")
      #expect(single.stderr.contains(name), "\(single.stderr)")
    }
    // A COCO dataset whose image files are damaged: the same report.
    let scenes = try Fixtures.temporaryDirectory("detect-bad-coco")
    defer { try? FileManager.default.removeItem(at: scenes) }
    try TrainedModels.synth(scenes)
    let images = scenes.appendingPathComponent("images")
    let damaged = try FileManager.default.contentsOfDirectory(atPath: images.path).sorted()
      .prefix(2)
    for name in damaged {
      try Data("not an image".utf8).write(to: images.appendingPathComponent(name))
    }
    let coco = try runRegionKit([
      "detect", model.path, scenes.path, "-o", output.path, "--no-progress", "--strict",
    ])
    #expect(coco.exitCode == 1, "\(coco.stderr)")
    for name in damaged { #expect(coco.stderr.contains("error: \(name)"), "\(coco.stderr)") }
  }

  /// A COCO image whose file differs in size from its annotation: one warning per image
  /// naming the file and both sizes, "swapped" when width and height are exchanged; the
  /// run still succeeds.
  @Test func aSizeDifferentFromTheAnnotationIsAWarning() throws {
    let scenes = try Fixtures.temporaryDirectory("size-mismatch")
    defer { try? FileManager.default.removeItem(at: scenes) }
    let result = try runRegionKit([
      "synth", "-o", scenes.path, "--images", "3", "--size", "48x32", "--objects", "2",
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let annotations = scenes.appendingPathComponent("annotations.json")
    var json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: annotations)) as? [String: Any])
    var images = try #require(json["images"] as? [[String: Any]])
    images[0]["width"] = 32  // swapped
    images[0]["height"] = 48
    images[1]["width"] = 50
    json["images"] = images
    try JSONSerialization.data(withJSONObject: json).write(to: annotations)
    let first = try #require(images[0]["file_name"] as? String)
    let second = try #require(images[1]["file_name"] as? String)
    let output = scenes.appendingPathComponent("p.jsonl").path
    let propose = try runRegionKit([
      "propose", scenes.path, "-o", output, "--method", "sliding-window", "--no-progress",
    ])
    #expect(propose.exitCode == 0, "\(propose.stderr)")
    let warnings = propose.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
    #expect(warnings.count == 2, "\(propose.stderr)")
    #expect(
      warnings.contains {
        $0.contains(first) && $0.contains("48x32 but its annotation says 32x48")
          && $0.contains("swapped: EXIF orientation?")
      }, "\(propose.stderr)")
    #expect(
      warnings.contains {
        $0.contains(second) && $0.contains("48x32 but its annotation says 50x32")
          && !$0.contains("swapped")
      }, "\(propose.stderr)")
    // draw warns once too, and draws the boxes as annotated.
    let draw = try runRegionKit([
      "draw", scenes.appendingPathComponent("images/\(first)").path, "--boxes", annotations.path,
      "-o", scenes.appendingPathComponent("drawn.png").path,
    ])
    #expect(draw.exitCode == 0, "\(draw.stderr)")
    #expect(
      draw.stderr.split(separator: "\n").filter { $0.contains("swapped: EXIF orientation?") }
        .count == 1, "\(draw.stderr)")
  }
}
