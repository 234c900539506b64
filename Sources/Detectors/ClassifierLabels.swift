import Foundation
import NeuralNet

/// The names of a classifier's output columns (a `labels.txt`), matched to a detector's
/// classes: which column scores each class, and which ones make up the background.
///
/// A labels file has one label per line, line `i` naming output column `i`; surrounding spaces
/// and a final newline are ignored. The background may be spelled `background` or
/// `__background__` (torchvision's and Detectron's spelling), in any case, on any number of
/// lines. Every class of the detector must be a label (spelled exactly); labels that are
/// neither a class nor the background (*extra* labels: a classifier fine-tuned on more
/// classes than the dataset has) count as background too. A classifier without a background
/// label then gets as background probability the extra labels' total, zero when there are none.
///
///     // labels.txt: background, dog, cat, bird
///     let labels = try ClassifierLabels(labels: ["background", "dog", "cat", "bird"],
///                                       classes: ["cat", "dog"], file: "labels.txt")
///     labels.columns            // [2, 1]: cat is column 2, dog column 1
///     labels.backgroundColumns  // [0, 3]: background and the extra label bird
public struct ClassifierLabels: Sendable, Hashable {
  /// The spellings of the background label, compared without regard to case.
  public static let backgroundSpellings = ["background", "__background__"]

  /// The labels, one per output column.
  public let labels: [String]
  /// The detector's classes, label order.
  public let classes: [String]
  /// For each class, the output column that scores it.
  public let columns: [Int]
  /// The columns whose probabilities add up to the background: background labels and extra
  /// labels, in column order.
  public let backgroundColumns: [Int]

  /// Matches `labels` to `classes`.
  ///
  /// - Parameters:
  ///   - labels: One label per output column.
  ///   - classes: The detector's class names.
  ///   - file: The labels file, for errors.
  /// - Throws: ``DetectorsError/invalidLabels(file:reason:)`` when there is no label, a label
  ///   is empty, a class label appears twice, a class has no label (the error names the
  ///   class and lists the labels) or a class is called like the background.
  public init(labels: [String], classes: [String], file: String) throws {
    guard !labels.isEmpty else {
      throw DetectorsError.invalidLabels(file: file, reason: "it names no label")
    }
    if let empty = labels.firstIndex(where: \.isEmpty) {
      throw DetectorsError.invalidLabels(
        file: file, reason: "line \(empty + 1) is empty; every output column needs a label")
    }
    var seen: [String: Int] = [:]
    for (column, label) in labels.enumerated() where !Self.isBackground(label) {
      if let first = seen[label] {
        throw DetectorsError.invalidLabels(
          file: file, reason: "label \"\(label)\" is on lines \(first + 1) and \(column + 1)")
      }
      seen[label] = column
    }
    var columns: [Int] = []
    for name in classes {
      guard !Self.isBackground(name) else {
        throw DetectorsError.invalidLabels(
          file: file,
          reason: "the dataset's class \"\(name)\" is spelled like the background label; "
            + "rename the class")
      }
      guard let column = seen[name] else {
        let shown = labels.prefix(20).map { "\"\($0)\"" }.joined(separator: ", ")
        throw DetectorsError.invalidLabels(
          file: file,
          reason: "the dataset's class \"\(name)\" is not among its \(labels.count) labels "
            + "(\(shown)\(labels.count > 20 ? ", …" : "")); labels must spell the class names "
            + "exactly")
      }
      columns.append(column)
    }
    let used = Set(columns)
    self.labels = labels
    self.classes = classes
    self.columns = columns
    backgroundColumns = labels.indices.filter { !used.contains($0) }
  }

  /// Whether `label` is a spelling of the background.
  public static func isBackground(_ label: String) -> Bool {
    backgroundSpellings.contains(label.lowercased())
  }

  /// The labels that are neither a class nor the background, in column order.
  public var extraLabels: [String] {
    backgroundColumns.map { labels[$0] }.filter { !Self.isBackground($0) }
  }

  /// Reads a labels file: one label per line, spaces around each trimmed, trailing empty lines
  /// dropped.
  ///
  /// - Throws: ``DetectorsError/invalidLabels(file:reason:)`` when the file cannot be read or
  ///   is not UTF-8.
  public static func read(contentsOf url: URL) throws -> [String] {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw DetectorsError.invalidLabels(file: url.path, reason: "cannot be read")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw DetectorsError.invalidLabels(file: url.path, reason: "is not UTF-8 text")
    }
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
      $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    while lines.last?.isEmpty == true { lines.removeLast() }
    return lines
  }

  /// The detector's `[R, K + 1]` probabilities (background first) from the classifier's
  /// `[R, L]` probabilities: each class takes its column, the background the sum of
  /// ``backgroundColumns``.
  ///
  /// - Precondition: `probabilities` is `[R, labels.count]` (checked by the caller).
  public func map(_ probabilities: Tensor) -> Tensor {
    let rows = probabilities.shape[0], width = labels.count, k = classes.count
    var output = Tensor(zeros: [rows, k + 1])
    for r in 0..<rows {
      let base = r * width
      var background: Float = 0
      for column in backgroundColumns { background += probabilities.data[base + column] }
      output.data[r * (k + 1)] = background
      for (c, column) in columns.enumerated() {
        output.data[r * (k + 1) + c + 1] = probabilities.data[base + column]
      }
    }
    return output
  }
}
