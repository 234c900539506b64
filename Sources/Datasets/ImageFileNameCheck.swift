/// Checks of the image file names an annotation file gives: each must name a file inside the
/// dataset's image folder, and no two images may share one.
enum ImageFileNameCheck {
  /// Throws ``DatasetsError/fileNameOutsideImages(file:field:value:)`` for an absolute path, a
  /// `..` component, a home-relative path or an empty name.
  ///
  /// - Parameters:
  ///   - name: The file name as written.
  ///   - field: Where it was written (`images[3].file_name`, `filename`).
  ///   - file: The annotation file, for the error.
  static func checkInside(_ name: String, field: String, file: String) throws {
    let components = name.split(separator: "/", omittingEmptySubsequences: false)
    guard !name.isEmpty, !name.hasPrefix("/"), !name.hasPrefix("~"),
      !name.contains("\0"), !components.contains(where: { $0 == ".." || $0.isEmpty })
    else {
      throw DatasetsError.fileNameOutsideImages(file: file, field: field, value: name)
    }
  }

  /// Throws ``DatasetsError/duplicateFileName(file:name:fields:)`` when two entries name the
  /// same image file.
  ///
  /// - Parameters:
  ///   - names: Each entry's field and file name, in file order.
  ///   - file: The annotation file (or folder), for the error.
  static func checkDistinct(_ names: [(field: String, name: String)], file: String) throws {
    var first: [String: String] = [:]
    for (field, name) in names {
      if let earlier = first[name] {
        throw DatasetsError.duplicateFileName(file: file, name: name, fields: [earlier, field])
      }
      first[name] = field
    }
  }
}
