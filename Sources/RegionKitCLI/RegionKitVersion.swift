/// The version `regionkit --version` prints.
enum RegionKitVersion {
  static let current = "0.1.0"
}
