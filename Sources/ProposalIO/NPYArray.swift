import Foundation

/// A NumPy `.npy` array of numbers read as Float32 (or written as `<f4`), in C order: the
/// exchange format for tensors with Python (`numpy.save` / `numpy.load`).
///
///     let array = try NPYArray(contentsOf: URL(fileURLWithPath: "x.npy"))   // shape, values
///     try NPYArray(shape: [1, 3, 224, 224], values: pixels).write(to: url)
///
/// Reading accepts little-endian `<f4`, `<f8`, `<f2`, `<i1`…`<i8`, `<u1`…`<u8` and `|b1`,
/// converted to Float32; Fortran order, big-endian data and other types are refused.
public struct NPYArray: Sendable, Equatable {
  /// The array's shape; `[]` for a scalar.
  public var shape: [Int]
  /// `shape.reduce(1, *)` values in C (row-major) order.
  public var values: [Float]

  /// Creates an array.
  ///
  /// - Parameters:
  ///   - shape: The sizes, each 0 or more; `[]` for a scalar.
  ///   - values: The product of `shape` values in C order.
  /// - Throws: ``ProposalIOError/shapeMismatch(shape:values:)`` when `values.count` is not the
  ///   product of `shape`.
  public init(shape: [Int], values: [Float]) throws(ProposalIOError) {
    var count = 1
    for size in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: size)
      guard size >= 0, !overflow else {
        throw .shapeMismatch(shape: shape, values: values.count)
      }
      count = product
    }
    guard values.count == count else { throw .shapeMismatch(shape: shape, values: values.count) }
    self.shape = shape
    self.values = values
  }

  /// Reads a `.npy` file.
  ///
  /// - Throws: ``ProposalIOError/unreadable(file:reason:)`` and
  ///   ``ProposalIOError/malformedNPY(file:reason:)`` naming the file and the problem.
  public init(contentsOf url: URL) throws {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ProposalIOError.unreadable(
        file: url.path, reason: (error as NSError).localizedDescription)
    }
    let (header, offset) = try NPYHeader.parse(data, file: url.path)
    guard !header.fortranOrder else {
      throw ProposalIOError.malformedNPY(
        file: url.path, reason: "Fortran-ordered arrays are not supported")
    }
    var count = 1
    for size in header.shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: size)
      guard !overflow else {
        throw ProposalIOError.malformedNPY(
          file: url.path, reason: "shape \(header.shape) is too large")
      }
      count = product
    }
    let convert: (UnsafeRawBufferPointer, Int) -> Float
    let width: Int
    switch header.descr {
    case "<f4":
      (width, convert) = (
        4,
        {
          Float(
            bitPattern: UInt32(
              littleEndian: $0.loadUnaligned(fromByteOffset: $1 * 4, as: UInt32.self)))
        }
      )
    case "<f8":
      (width, convert) = (
        8,
        {
          Float(
            Double(
              bitPattern: UInt64(
                littleEndian: $0.loadUnaligned(fromByteOffset: $1 * 8, as: UInt64.self))))
        }
      )
    case "<f2":
      (width, convert) = (
        2,
        {
          Float(
            Float16(
              bitPattern: UInt16(
                littleEndian: $0.loadUnaligned(fromByteOffset: $1 * 2, as: UInt16.self))))
        }
      )
    case "<i8":
      (width, convert) = (
        8, { Float(Int64(littleEndian: $0.loadUnaligned(fromByteOffset: $1 * 8, as: Int64.self))) }
      )
    case "<i4":
      (width, convert) = (
        4, { Float(Int32(littleEndian: $0.loadUnaligned(fromByteOffset: $1 * 4, as: Int32.self))) }
      )
    case "<i2":
      (width, convert) = (
        2, { Float(Int16(littleEndian: $0.loadUnaligned(fromByteOffset: $1 * 2, as: Int16.self))) }
      )
    case "|i1", "<i1": (width, convert) = (1, { Float(Int8(bitPattern: $0[$1])) })
    case "<u8":
      (width, convert) = (
        8,
        { Float(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: $1 * 8, as: UInt64.self))) }
      )
    case "<u4":
      (width, convert) = (
        4,
        { Float(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: $1 * 4, as: UInt32.self))) }
      )
    case "<u2":
      (width, convert) = (
        2,
        { Float(UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: $1 * 2, as: UInt16.self))) }
      )
    case "|u1", "<u1", "|b1": (width, convert) = (1, { Float($0[$1]) })
    default:
      throw ProposalIOError.malformedNPY(
        file: url.path, reason: "dtype \(header.descr) is not a little-endian number type")
    }
    // Checked: a shape whose byte size overflows must not wrap into a small, passing size.
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: width)
    guard !overflow, byteCount <= data.count - offset else {
      throw ProposalIOError.malformedNPY(
        file: url.path,
        reason:
          "shape \(header.shape) of \(header.descr) needs \(overflow ? "more than \(Int.max)" : "\(byteCount)") bytes, \(data.count - offset) present"
      )
    }
    shape = header.shape
    values = data.withUnsafeBytes { bytes in
      let payload = UnsafeRawBufferPointer(rebasing: bytes[offset...])
      return (0..<count).map { convert(payload, $0) }
    }
  }

  /// Writes the array as `<f4` (version 1.0, C order), replacing `url` only once complete.
  ///
  /// - Throws: ``ProposalIOError/unwritable(file:reason:)`` when the file cannot be written.
  public func write(to url: URL) throws {
    var data = NPYHeader(descr: "<f4", shape: shape).encoded()
    data.reserveCapacity(data.count + values.count * 4)
    values.withUnsafeBufferPointer { buffer in
      for value in buffer {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
      }
    }
    try DurableFile.write(data, to: url)
  }
}
