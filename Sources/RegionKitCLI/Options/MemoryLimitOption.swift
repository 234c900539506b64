import ArgumentParser
import Foundation
import Imaging

/// `--memory-limit`: its help and its parsing, shared by the commands that run a method on
/// images (`propose`, `evaluate`, `detect`, `segment`, `edges`).
enum MemoryLimitOption {
  /// The help of commands that process several images at once (`propose`, `evaluate`,
  /// `detect`).
  static let help = ArgumentHelp(
    "Memory for the images processed at once, divided by --jobs for each: an image whose "
      + "decoded pixels (12 bytes each) and the method's estimated peak are over its share is "
      + "refused before decoding, with the --max-side that would fit. " + sizeRule,
    valueName: "size")

  /// The help of commands that process one image (`segment`, `edges`).
  static let singleImageHelp = ArgumentHelp(
    "Memory the image may take: when its decoded pixels (12 bytes each) and the method's "
      + "estimated peak are over this, it is refused before decoding, with the --max-side that "
      + "would fit. " + sizeRule,
    valueName: "size")

  private static let sizeRule =
    "SIZE is bytes or a number with K, M, G or T (binary: 1K = 1024), e.g. 6G or 512M; none "
    + "disables the check. Default: half the machine's memory (the smaller of the physical "
    + "memory and the cgroup limit)."

  /// The budget of one image: `text` (or the default rule) divided by `jobs`.
  ///
  /// - Throws: `ValidationError` naming `--memory-limit` for a size that does not parse.
  static func budget(_ text: String?, jobs: Int) throws -> MemoryBudget {
    guard let text else { return .standard(jobs: jobs) }
    let total: MemoryBudget
    do {
      total = try MemoryBudget(parsing: text)
    } catch {
      throw ValidationError("--memory-limit: \(error)")
    }
    return MemoryBudget(limit: total.limit.map { max(1, $0 / max(1, jobs)) })
  }
}
