import Testing

/// Values that once crashed or ran without end are refused before any work, with exit 64 and
/// a message naming the option and the range.
@Suite struct OptionRangeTests {
  @Test(arguments: [
    (["segment", "x.jpg", "-o", "s.png", "--sigma", "1e9"], "--sigma"),
    (["segment", "x.jpg", "-o", "s.png", "--sigma", "nan"], "--sigma"),
    (
      ["segment", "x.jpg", "-o", "s.png", "--method", "kmeans", "--clusters", "1000000"],
      "--clusters"
    ),
    (
      ["segment", "x.jpg", "-o", "s.png", "--method", "kmeans", "--iterations", "0"], "--iterations"
    ),
    (["segment", "x.jpg", "-o", "s.png", "--compactness", "0"], "--compactness"),
    (["segment", "x.jpg", "-o", "s.png", "--min-size", "-3"], "--min-size"),
    (["edges", "x.jpg", "-o", "e.png", "--sigma", "1e9"], "--sigma"),
    (
      ["edges", "x.jpg", "-o", "e.png", "--method", "canny", "--low", "0.5", "--high", "0.2"],
      "--low"
    ),
    (["edges", "x.jpg", "-o", "e.png", "--high", "2"], "--high"),
    (["synth", "-o", "d", "--size", "100000x100000"], "--size"),
    (["synth", "-o", "d", "--objects", "100000"], "--objects"),
    (["synth", "-o", "d", "--images", "0"], "--images"),
    (["propose", "x.jpg", "-o", "p.jsonl", "--jobs", "5000"], "--jobs"),
    (["propose", "x.jpg", "-o", "p.jsonl", "--draw-top", "-1"], "--draw-top"),
    (["propose", "x.jpg", "-o", "p.jsonl", "--max-side", "0"], "--max-side"),
    (["detect", "m", "x.jpg", "-o", "d.json", "--min-score", "nan"], "--min-score"),
    (["detect", "m", "x.jpg", "-o", "d.json", "--draw-min-score", "inf"], "--draw-min-score"),
    (["detect", "m", "x.jpg", "-o", "d.json", "--image-id", "-1"], "--image-id"),
    (
      ["draw", "x.jpg", "--boxes", "b.json", "-o", "d.png", "--font-size", "100000"], "--font-size"
    ),
    (
      ["draw", "x.jpg", "--boxes", "b.json", "-o", "d.png", "--max-overlap", "1.5"], "--max-overlap"
    ),
    (["evaluate", "data", "--overlays", "100000"], "--overlays"),
    (["info", "data", "--top-classes", "-1"], "--top-classes"),
    (["model", "info", "m.onnx", "--input-shape", "1,0,4"], "--input-shape"),
    (["model", "run", "m.onnx", "--input", "x.npy", "-o", "y.npy", "--jobs", "0"], "--jobs"),
    (["segment", "x.jpg", "-o", "s.png", "--max-side", "0"], "--max-side"),
  ])
  func refusedWithTheOptionNamed(arguments: [String], option: String) throws {
    let failure = try #require(usageFailure(arguments))
    #expect(failure.exitCode == 64)
    #expect(failure.message.contains(option))
  }

  @Test func defaultsAndBoundariesParse() {
    #expect(usageFailure(["segment", "x.jpg", "-o", "s.png", "--sigma", "1000"]) == nil)
    #expect(usageFailure(["edges", "x.jpg", "-o", "e.png", "--method", "canny"]) == nil)
    #expect(usageFailure(["synth", "-o", "d", "--size", "4096x16", "--objects", "32"]) == nil)
  }
}
