import Foundation
import ZIPFoundation

/// Reads the arrays of a NumPy `.npz` archive written by ``NPZWriter`` (or by `numpy.savez`).
///
///     let arrays = try NPZReader.read(contentsOf: out.appendingPathComponent("proposals.npz"))
///     let (header, data) = try #require(arrays["scores"])   // header.shape == [n]
///
/// - Returns: Each array by name (without `.npy`): its header and its raw data bytes.
/// - Throws: ``ProposalIOError/unreadable(file:reason:)`` when the archive cannot be read, and
///   ``ProposalIOError/malformedNPY(file:reason:)`` when an entry is not a valid `.npy` or its
///   data size does not match its header.
/// - Complexity: O(archive size); every array is read into memory.
public enum NPZReader {
  public static func read(contentsOf url: URL) throws -> [String: (header: NPYHeader, data: Data)] {
    let archive: Archive
    do {
      archive = try Archive(url: url, accessMode: .read)
    } catch {
      throw ProposalIOError.unreadable(file: url.path, reason: "\(error)")
    }
    var arrays: [String: (header: NPYHeader, data: Data)] = [:]
    for entry in archive where entry.type == .file && entry.path.hasSuffix(".npy") {
      var bytes = Data()
      do {
        _ = try archive.extract(entry) { bytes.append($0) }
      } catch {
        throw ProposalIOError.unreadable(file: "\(url.path)/\(entry.path)", reason: "\(error)")
      }
      let file = "\(url.path)/\(entry.path)"
      let (header, offset) = try NPYHeader.parse(bytes, file: file)
      let payload = bytes.dropFirst(offset)
      if let itemSize = header.itemSize {
        var expected = itemSize
        for size in header.shape {
          let (product, overflow) = expected.multipliedReportingOverflow(by: size)
          guard !overflow else {
            throw ProposalIOError.malformedNPY(
              file: file, reason: "shape \(header.shape) is too large")
          }
          expected = product
        }
        guard payload.count == expected else {
          throw ProposalIOError.malformedNPY(
            file: file,
            reason: "\(payload.count) data bytes for shape \(header.shape), expected \(expected)")
        }
      }
      arrays[String(entry.path.dropLast(4))] = (header, Data(payload))
    }
    return arrays
  }
}

extension NPYHeader {
  /// Bytes per element for the little-endian types RegionKit writes (`<f4`, `<i8`, `<U…`),
  /// `nil` for others.
  var itemSize: Int? {
    switch descr {
    case "<f4": 4
    case "<f8", "<i8": 8
    case "<i4": 4
    default:
      // `<U…` widths too large for a size are refused as unknown types, not trapped on.
      descr.hasPrefix("<U")
        ? Int(descr.dropFirst(2)).flatMap { width in
          let (bytes, overflow) = width.multipliedReportingOverflow(by: 4)
          return overflow || width < 0 ? nil : bytes
        } : nil
    }
  }
}
