import Foundation

/// Reads and writes the safetensors weight format (Hugging Face), so `state_dict`s move
/// between PyTorch and RegionKit under their PyTorch names (`features.0.weight`).
///
/// Layout: an 8-byte little-endian header length `n`, `n` bytes of JSON
/// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {…}}`, then the
/// raw little-endian data (offsets are relative to its start). Writing uses F32, names in
/// sorted order and a header padded with spaces to a multiple of 8 bytes; reading accepts
/// F32, F16, BF16, F64, I64 and I32 and converts to Float32.
///
///     try SafeTensors.save(model.stateDict(), to: url)
///     try model.loadStateDict(try SafeTensors.load(contentsOf: url), source: url.lastPathComponent)
///
/// Checked by round trips and against a file written by PyTorch's `safetensors.torch`
/// (`Fixtures/nn/`).
public enum SafeTensors {
  /// Reads every tensor of a file.
  ///
  /// - Parameter url: the `.safetensors` file.
  /// - Returns: tensors by name (metadata is skipped).
  /// - Throws: ``NeuralNetError`` naming the file, and the tensor when one entry is at fault.
  public static func load(contentsOf url: URL) throws -> [String: Tensor] {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw NeuralNetError.unreadableFile(file: url.path, reason: error.localizedDescription)
    }
    return try decode(data, source: url.path)
  }

  /// Decodes safetensors bytes.
  ///
  /// - Parameters:
  ///   - data: the whole file.
  ///   - source: the name used in error messages. Default: `"<memory>"`.
  /// - Returns: tensors by name.
  /// - Throws: ``NeuralNetError``.
  public static func decode(_ data: Data, source: String = "<memory>") throws -> [String: Tensor] {
    let bytes = [UInt8](data)
    guard bytes.count >= 8 else {
      throw NeuralNetError.malformedFile(
        file: source, reason: "\(bytes.count) bytes is shorter than the 8-byte header length")
    }
    var headerLength: UInt64 = 0
    for index in 0..<8 { headerLength |= UInt64(bytes[index]) << (8 * UInt64(index)) }
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw NeuralNetError.malformedFile(
        file: source,
        reason: "header length \(headerLength) exceeds the \(bytes.count - 8) bytes after it")
    }
    let dataStart = 8 + Int(headerLength)
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
    } catch {
      throw NeuralNetError.malformedFile(file: source, reason: "the header is not JSON")
    }
    guard let header = object as? [String: Any] else {
      throw NeuralNetError.malformedFile(file: source, reason: "the header is not a JSON object")
    }
    let bufferLength = bytes.count - dataStart
    var tensors: [String: Tensor] = [:]
    for (name, value) in header where name != "__metadata__" {
      guard let entry = value as? [String: Any] else {
        throw NeuralNetError.malformedTensor(
          file: source, tensor: name, reason: "the entry is not an object")
      }
      guard let dtype = entry["dtype"] as? String else {
        throw NeuralNetError.malformedTensor(file: source, tensor: name, reason: "no dtype")
      }
      guard let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
        shape.count == (entry["shape"] as? [Any])?.count, shape.allSatisfy({ $0 >= 0 })
      else {
        throw NeuralNetError.malformedTensor(
          file: source, tensor: name, reason: "the shape is not a list of non-negative integers")
      }
      guard
        let offsets = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }
        ), offsets.count == 2,
        offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= bufferLength
      else {
        throw NeuralNetError.malformedTensor(
          file: source, tensor: name,
          reason: "data_offsets are not [begin, end] within the \(bufferLength)-byte data")
      }
      guard let width = elementSize(dtype) else {
        throw NeuralNetError.unsupportedDType(file: source, tensor: name, dtype: dtype)
      }
      // Checked arithmetic: a hostile shape must not overflow into a small, matching size.
      var count = 1
      var bytesNeeded = width
      for dimension in shape {
        let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
        let (size, sizeOverflow) = product.multipliedReportingOverflow(by: width)
        guard !overflow, !sizeOverflow, size <= bufferLength else {
          throw NeuralNetError.malformedTensor(
            file: source, tensor: name,
            reason: "shape \(shape) needs more than the \(bufferLength) bytes of data")
        }
        count = product
        bytesNeeded = size
      }
      guard offsets[1] - offsets[0] == bytesNeeded else {
        throw NeuralNetError.malformedTensor(
          file: source, tensor: name,
          reason: "\(offsets[1] - offsets[0]) bytes for \(count) \(dtype) values of shape \(shape)")
      }
      let start = dataStart + offsets[0]
      let values = bytes.withUnsafeBufferPointer { buffer in
        convert(
          UnsafeRawBufferPointer(
            rebasing: UnsafeRawBufferPointer(buffer)[start..<(start + count * width)]),
          dtype: dtype, count: count)
      }
      tensors[name] = Tensor(shape: shape, data: values)
    }
    return tensors
  }

  /// Encodes tensors as F32 safetensors bytes.
  ///
  /// - Parameters:
  ///   - tensors: tensors by name.
  ///   - metadata: string pairs stored under `__metadata__`. Default: empty.
  /// - Returns: the file contents.
  public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> Data {
    var header: [String: Any] = [:]
    var offset = 0
    let names = tensors.keys.sorted()
    for name in names {
      let tensor = tensors[name]!
      header[name] =
        [
          "dtype": "F32", "shape": tensor.shape,
          "data_offsets": [offset, offset + 4 * tensor.count],
        ] as [String: Any]
      offset += 4 * tensor.count
    }
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var json =
      (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
      ?? Data("{}".utf8)
    while json.count % 8 != 0 { json.append(0x20) }
    var output = Data(capacity: 8 + json.count + offset)
    var length = UInt64(json.count).littleEndian
    withUnsafeBytes(of: &length) { output.append(contentsOf: $0) }
    output.append(json)
    for name in names {
      for value in tensors[name]!.data {
        var bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { output.append(contentsOf: $0) }
      }
    }
    return output
  }

  /// Writes tensors to a safetensors file (F32).
  ///
  /// - Parameters:
  ///   - tensors: tensors by name.
  ///   - url: the destination; replaced atomically.
  ///   - metadata: Default: empty.
  /// - Throws: ``NeuralNetError/unreadableFile(file:reason:)`` when the file cannot be written.
  public static func save(
    _ tensors: [String: Tensor], to url: URL, metadata: [String: String] = [:]
  ) throws {
    do {
      try encode(tensors, metadata: metadata).write(to: url, options: .atomic)
    } catch {
      throw NeuralNetError.unreadableFile(file: url.path, reason: error.localizedDescription)
    }
  }

  static func elementSize(_ dtype: String) -> Int? {
    switch dtype {
    case "F32", "I32": 4
    case "F16", "BF16": 2
    case "F64", "I64": 8
    default: nil
    }
  }

  static func convert(_ raw: UnsafeRawBufferPointer, dtype: String, count: Int) -> [Float] {
    func word<T: FixedWidthInteger>(_ index: Int, _: T.Type) -> T {
      var value: T = 0
      for byte in 0..<MemoryLayout<T>.size {
        value |= T(truncatingIfNeeded: raw[index * MemoryLayout<T>.size + byte]) << (8 * byte)
      }
      return value
    }
    return (0..<count).map { index in
      switch dtype {
      case "F32": Float(bitPattern: word(index, UInt32.self))
      case "F64": Float(Double(bitPattern: word(index, UInt64.self)))
      case "BF16": Float(bitPattern: UInt32(word(index, UInt16.self)) << 16)
      case "F16": halfToFloat(word(index, UInt16.self))
      case "I64": Float(Int64(bitPattern: word(index, UInt64.self)))
      case "I32": Float(Int32(bitPattern: word(index, UInt32.self)))
      default: 0
      }
    }
  }

  /// IEEE 754 binary16 to binary32 (exact).
  static func halfToFloat(_ bits: UInt16) -> Float {
    let sign: Float = bits & 0x8000 != 0 ? -1 : 1
    let exponent = Int((bits >> 10) & 0x1F)
    let fraction = Float(bits & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * 0x1p-24
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default:
      return sign * (1 + fraction / 1024)
        * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }
  }
}
