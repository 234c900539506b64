import Foundation

extension Dataset {
  /// `name` as one path component, for a flat folder of outputs: path separators (`/`, `\`)
  /// become `_`, and an empty name, `.` or `..` becomes `_`.
  ///
  ///     Dataset.flatFileName("train/2007_000032")   // "train_2007_000032"
  public static func flatFileName(_ name: String) -> String {
    let flat = String(name.map { $0 == "/" || $0 == "\\" ? "_" : $0 })
    return flat.isEmpty || flat == "." || flat == ".." ? "_" : flat
  }

  /// The file name of a picture drawn on the image `imageName` (a dataset-relative path):
  /// the name without its extension, flattened by ``flatFileName(_:)``, with `.png`, so
  /// that one folder holds the pictures of a nested dataset.
  ///
  ///     Dataset.pictureFileName(for: "train/cat.jpg")   // "train_cat.png"
  public static func pictureFileName(for imageName: String) -> String {
    flatFileName((imageName as NSString).deletingPathExtension) + ".png"
  }
}
