import ArgumentParser
import Datasets
import Foundation

/// The images a batch command (`propose`, `detect`) could not read: which files of a plain
/// folder go through the run although their header could not be read, how failures are
/// listed on standard error, and the exit status they give.
///
/// A plain folder leaves out files whose header cannot be read (``Dataset/warnings`` names
/// them); the commands run them all the same, so each becomes a failed image in the output,
/// is listed on standard error and makes `--strict` exit 1, as for a dataset.
enum ImageFailures {
  /// `images` with the files of `dataset` whose header could not be read, sorted by name
  /// when there are any (a folder's images are in name order).
  static func addingUnreadable<Image>(
    to images: [Image], of dataset: Dataset, name: (Image) -> String,
    make: (_ name: String, _ url: URL) -> Image
  ) -> [Image] {
    let unreadable = dataset.warnings.compactMap { warning -> Image? in
      guard case .unreadableImage = warning.problem else { return nil }
      return make(warning.file, dataset.imagesDirectory.appendingPathComponent(warning.file))
    }
    if unreadable.isEmpty { return images }
    return (images + unreadable).sorted { name($0) < name($1) }
  }

  /// Writes `error: IMAGE: REASON` on standard error for every failure.
  static func list(_ failed: [(image: String, error: String)]) {
    for failure in failed {
      FileHandle.standardError.write(Data("error: \(failure.image): \(failure.error)\n".utf8))
    }
  }

  /// Exits with status 1 when images failed and `strict` is set or `input` is one image file.
  ///
  /// - Parameters:
  ///   - failed: How many images failed.
  ///   - strict: The command's `--strict`.
  ///   - input: The command's INPUT.
  /// - Throws: `ExitCode(1)`.
  static func exitIfNeeded(failed: Int, strict: Bool, input: String) throws {
    if failed > 0 && (strict || isOneImage(input)) { throw ExitCode(1) }
  }

  /// Whether `input` names one image file (not a dataset, a folder, a COCO .json or a file
  /// list).
  static func isOneImage(_ input: String) -> Bool {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory)
    let fileExtension = URL(fileURLWithPath: input).pathExtension.lowercased()
    return exists && !isDirectory.boolValue
      && !["json", "txt", "lst", "list"].contains(fileExtension)
  }
}
