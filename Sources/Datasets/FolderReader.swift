import Foundation
import Imaging

/// Reads a plain folder of images (no annotations) into a ``Dataset``.
///
/// Files with an image extension (`jpg`, `jpeg`, `png`, `webp`, `tif`, `tiff`, `gif`) are
/// listed recursively, sorted by their path relative to the folder, and numbered from 1.
/// Sizes come from the image headers (libvips reads only the header), upright after EXIF
/// rotation. A file whose header cannot be read is left out with a warning naming it.
enum FolderReader {
  /// Lower-case extensions of the files taken as images.
  static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "gif"]

  /// True when `directory` is a folder holding at least one image file (not recursive).
  static func containsImages(_ directory: URL) -> Bool {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
      return false
    }
    return names.contains { imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
  }

  static func read(imagesDirectory: URL) throws -> Dataset {
    let relativePaths = try imageFiles(in: imagesDirectory)
    var images: [DatasetImage] = []
    var warnings: [DatasetWarning] = []
    for relativePath in relativePaths {
      do {
        let info = try ImageInfo.read(
          contentsOf: imagesDirectory.appendingPathComponent(relativePath))
        images.append(
          DatasetImage(
            id: images.count + 1, fileName: relativePath, width: info.uprightWidth,
            height: info.uprightHeight, annotations: []))
      } catch {
        warnings.append(
          DatasetWarning(file: relativePath, problem: .unreadableImage(reason: error.description)))
      }
    }
    return Dataset(
      format: .folder, imagesDirectory: imagesDirectory, categories: [], images: images,
      warnings: warnings)
  }

  /// Image files under `directory`, as sorted relative paths.
  static func imageFiles(in directory: URL) throws -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else {
      throw DatasetsError.unreadableFile(directory, reason: "cannot list the folder")
    }
    var paths: [String] = []
    while let relativePath = enumerator.nextObject() as? String {
      if imageExtensions.contains((relativePath as NSString).pathExtension.lowercased()) {
        paths.append(relativePath)
      }
    }
    return paths.sorted()
  }
}
