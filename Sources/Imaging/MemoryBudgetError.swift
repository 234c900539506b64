/// Errors of ``MemoryBudget``: a size that does not parse, or an image that does not fit.
public enum MemoryBudgetError: Error, CustomStringConvertible, Equatable, Sendable {
  /// `value` is not a memory size (bytes, or a number with K, M, G or T) nor `none`.
  case invalidSize(value: String)
  /// Processing `file` (`width` x `height` as stored upright, `loadedWidth` x
  /// `loadedHeight` after the load-time shrink) with `method` needs about `decoded` bytes for
  /// the decoded image plus `estimate` bytes for the method, over `limit`; `fittingSide` is
  /// the largest load-time `maxSide` that fits, `nil` when none does.
  case overBudget(
    file: String, width: Int, height: Int, loadedWidth: Int, loadedHeight: Int, method: String,
    decoded: Int, estimate: Int, limit: Int, fittingSide: Int?)

  public var description: String {
    switch self {
    case .invalidSize(let value):
      "\"\(value)\" is not a memory size: give bytes, or a number with K, M, G or T (binary: "
        + "1K = 1024 bytes), e.g. 6G, 512M or 2048K, or none for no limit."
    case .overBudget(
      let file, let width, let height, let loadedWidth, let loadedHeight, let method, let decoded,
      let estimate, let limit, let fittingSide):
      "\(file): \(width)x\(height)"
        + (loadedWidth == width && loadedHeight == height
          ? "" : " (\(loadedWidth)x\(loadedHeight) after --max-side)")
        + " needs about \(MemoryBudget.format(MemoryEstimate.sum(decoded, estimate))) with "
        + "\(method) (\(MemoryBudget.format(decoded)) for the decoded image + "
        + "\(MemoryBudget.format(estimate)) estimated for the method), over the memory budget of "
        + "\(MemoryBudget.format(limit)); "
        + (fittingSide.map { "use --max-side \($0) (or less) to shrink it on load, or " }
          ?? "no --max-side fits; ")
        + "raise --memory-limit (none disables the check)."
    }
  }
}
