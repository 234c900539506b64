import Detectors
import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

/// Labels files: parsing, matching to classes, background spellings, extra labels, errors.
@Suite struct ClassifierLabelsTests {
  @Test func classesFindTheirColumnsAndTheRestIsBackground() throws {
    let labels = try ClassifierLabels(
      labels: ["Background", "dog", "cat", "bird", "__BACKGROUND__"], classes: ["cat", "dog"],
      file: "labels.txt")
    #expect(labels.columns == [2, 1])
    #expect(labels.backgroundColumns == [0, 3, 4])
    #expect(labels.extraLabels == ["bird"])
    // Rows of [R, 5] probabilities become [R, 3]: background = columns 0 + 3 + 4.
    let mapped = labels.map(
      Tensor(shape: [2, 5], data: [0.1, 0.2, 0.3, 0.15, 0.25, 0, 0.5, 0.25, 0.25, 0]))
    #expect(mapped.shape == [2, 3])
    #expect(
      closeMismatch(mapped.data, [0.5, 0.3, 0.2, 0.25, 0.25, 0.5], atol: 1e-6, rtol: 0) == nil)
  }

  @Test func withoutBackgroundOrExtraLabelsTheBackgroundIsZero() throws {
    let labels = try ClassifierLabels(labels: ["a", "b"], classes: ["b", "a"], file: "l")
    #expect(labels.backgroundColumns.isEmpty)
    #expect(labels.map(Tensor(shape: [1, 2], data: [0.7, 0.3])).data == [0, 0.3, 0.7])
  }

  @Test func aMissingClassIsAnErrorNamingItAndTheLabels() {
    #expect {
      _ = try ClassifierLabels(
        labels: ["background", "cat", "dog"], classes: ["cat", "Dog"], file: "m/labels.txt")
    } throws: { error in
      guard case .invalidLabels(let file, let reason)? = error as? DetectorsError else {
        return false
      }
      return file == "m/labels.txt" && reason.contains("\"Dog\"") && reason.contains("\"dog\"")
    }
  }

  @Test(arguments: [
    (["a", "", "b"], ["a"], "line 2 is empty"),
    (["a", "b", "a"], ["a"], "lines 1 and 3"),
    ([String](), ["a"], "no label"),
    (["background", "a"], ["background"], "spelled like the background"),
  ])
  func malformedLabelsAreErrors(labels: [String], classes: [String], fragment: String) {
    #expect {
      _ = try ClassifierLabels(labels: labels, classes: classes, file: "labels.txt")
    } throws: { error in
      (error as? DetectorsError)?.description.contains(fragment) == true
    }
  }

  @Test func readingTrimsSpacesAndDropsTrailingEmptyLines() throws {
    let folder = try Fixtures.temporaryDirectory("labels")
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("labels.txt")
    try Data("__background__\r\n  cat \ndog\n\n\n".utf8).write(to: url)
    #expect(try ClassifierLabels.read(contentsOf: url) == ["__background__", "cat", "dog"])
    #expect(throws: DetectorsError.self) {
      try ClassifierLabels.read(contentsOf: folder.appendingPathComponent("none.txt"))
    }
  }
}
