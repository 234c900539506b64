import Datasets
import Foundation

/// Dataset warnings the commands print on standard error.
enum DatasetWarnings {
  /// Prints `warning: ...` once per image whose file's size differs from its annotation's
  /// (for the commands that decode dataset images: propose, detect, evaluate, train, draw).
  static func printSizeMismatches(of dataset: Dataset) {
    print(dataset.imageSizeWarnings())
  }

  /// Prints `warning: WARNING` for each warning on standard error.
  static func print(_ warnings: [DatasetWarning]) {
    for warning in warnings {
      FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
    }
  }
}
