import Foundation

/// What a message decoder needs besides the bytes: the file's name for errors and its
/// folder for external data.
struct DecodingContext {
  /// The model file, as the user named it.
  var file: String
  /// The folder external-data locations are relative to.
  var directory: URL
}

/// A `TensorProto`: an initializer, a `Constant` value or a tensor attribute, with its data
/// converted (Float32 or Int64) when decoded.
struct TensorMessage {
  var name = ""
  var elementType = ONNXElementType.undefined
  var dims: [Int] = []
  var value = GraphValue(shape: [], floats: [])
  /// The side file holding the data (`location`, relative to the model's folder), if any.
  var externalLocation: String?

  /// Decodes a message and converts its data (raw bytes, typed fields or external data).
  static func decode(_ reader: inout ProtobufReader, context: DecodingContext) throws
    -> TensorMessage
  {
    var message = TensorMessage()
    var rawDims: [Int64] = []
    var rawType: Int64 = 0
    var rawData: Range<Int>?
    var floatBits: [UInt32] = []
    var int32Data: [Int64] = []
    var int64Data: [Int64] = []
    var wideBits: [UInt64] = []
    var external: [String: String] = [:]
    var dataLocation: Int64 = 0
    while let field = try reader.nextField() {
      switch field.number {
      case 1: try reader.appendVarints(field, to: &rawDims)
      case 2: rawType = try reader.int64(field)
      case 4: try reader.appendFixed32(field, to: &floatBits)
      case 5: try reader.appendVarints(field, to: &int32Data)
      case 7: try reader.appendVarints(field, to: &int64Data)
      case 8: message.name = try reader.string(field)
      case 9: rawData = try reader.lengthDelimited(field)
      case 10, 11: try reader.appendFixed64(field, to: &wideBits)
      case 13:
        var entry = try reader.message(field)
        var key = "", value = ""
        while let inner = try entry.nextField() {
          switch inner.number {
          case 1: key = try entry.string(inner)
          case 2: value = try entry.string(inner)
          default: try entry.skip(inner)
          }
        }
        external[key] = value
      case 14: dataLocation = try reader.int64(field)
      case 6:
        throw ONNXError.invalidInitializer(
          file: context.file, tensor: message.name, reason: "holds strings, which are not supported"
        )
      default: try reader.skip(field)
      }
    }
    let name = message.name.isEmpty ? "(unnamed)" : message.name
    func fail(_ reason: String) -> ONNXError {
      .invalidInitializer(file: context.file, tensor: name, reason: reason)
    }
    guard let type = Int32(exactly: rawType).flatMap(ONNXElementType.init(rawValue:)),
      type.isFloatingPoint || type.isInteger
    else {
      throw fail("has element type \(ONNXElementType.describe(rawType)), which is not supported")
    }
    message.elementType = type
    var count = 1
    for dim in rawDims {
      guard dim >= 0, let size = Int(exactly: dim) else { throw fail("has dimension \(dim)") }
      let (product, overflow) = count.multipliedReportingOverflow(by: size)
      guard !overflow, product <= Int(Int32.max) else {
        throw fail("declares shape \(rawDims), too many values")
      }
      count = product
    }
    message.dims = rawDims.map { Int($0) }
    // An empty tensor with huge other sizes would overflow the kernels' partial products.
    guard message.dims.checkedElementCount != nil else {
      throw fail("declares shape \(rawDims), too many values")
    }
    let width = type.byteWidth!
    if dataLocation == 1 {
      message.externalLocation = external["location"]
      let bytes = try externalBytes(external, count: count * width, tensor: name, context: context)
      message.value = bytes.withUnsafeBytes { convert($0, type: type, shape: message.dims) }
    } else if let rawData {
      guard rawData.count == count * width else {
        throw fail(
          "has \(rawData.count) bytes of raw data for shape \(message.dims) of \(type.name) (\(count * width) needed)"
        )
      }
      message.value = convert(
        UnsafeRawBufferPointer(rebasing: reader.bytes[rawData]), type: type, shape: message.dims)
    } else {
      message.value = try typedFields(
        type: type, shape: message.dims, count: count, floatBits: floatBits, int32Data: int32Data,
        int64Data: int64Data, wideBits: wideBits, fail: fail)
    }
    return message
  }

  /// Converts little-endian raw bytes to Float32 or Int64 values.
  private static func convert(_ bytes: UnsafeRawBufferPointer, type: ONNXElementType, shape: [Int])
    -> GraphValue
  {
    let count = shape.reduce(1, *)
    func load<T: FixedWidthInteger>(_: T.Type, _ index: Int) -> T {
      T(littleEndian: bytes.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
    }
    switch type {
    case .float:
      return GraphValue(
        shape: shape, floats: (0..<count).map { Float(bitPattern: load(UInt32.self, $0)) })
    case .float16:
      return GraphValue(
        shape: shape, floats: (0..<count).map { halfToFloat(load(UInt16.self, $0)) })
    case .bfloat16:
      return GraphValue(
        shape: shape,
        floats: (0..<count).map { Float(bitPattern: UInt32(load(UInt16.self, $0)) << 16) })
    case .double:
      return GraphValue(
        shape: shape, floats: (0..<count).map { Float(Double(bitPattern: load(UInt64.self, $0))) })
    case .int8:
      return GraphValue(shape: shape, integers: (0..<count).map { Int64(load(Int8.self, $0)) })
    case .uint8, .bool:
      return GraphValue(shape: shape, integers: (0..<count).map { Int64(load(UInt8.self, $0)) })
    case .int16:
      return GraphValue(shape: shape, integers: (0..<count).map { Int64(load(Int16.self, $0)) })
    case .uint16:
      return GraphValue(shape: shape, integers: (0..<count).map { Int64(load(UInt16.self, $0)) })
    case .int32:
      return GraphValue(shape: shape, integers: (0..<count).map { Int64(load(Int32.self, $0)) })
    case .uint32:
      return GraphValue(shape: shape, integers: (0..<count).map { Int64(load(UInt32.self, $0)) })
    case .int64: return GraphValue(shape: shape, integers: (0..<count).map { load(Int64.self, $0) })
    case .uint64:
      return GraphValue(
        shape: shape, integers: (0..<count).map { Int64(truncatingIfNeeded: load(UInt64.self, $0)) }
      )
    case .undefined, .string, .complex64, .complex128:
      preconditionFailure("TensorMessage.convert: \(type) was refused before")
    }
  }

  /// The values of a tensor stored in the typed repeated fields instead of `raw_data`.
  private static func typedFields(
    type: ONNXElementType, shape: [Int], count: Int, floatBits: [UInt32], int32Data: [Int64],
    int64Data: [Int64], wideBits: [UInt64], fail: (String) -> ONNXError
  ) throws -> GraphValue {
    func check(_ found: Int, _ field: String) throws {
      guard found == count else {
        throw fail("has \(found) values in \(field) for shape \(shape) (\(count) needed)")
      }
    }
    switch type {
    case .float:
      try check(floatBits.count, "float_data")
      return GraphValue(shape: shape, floats: floatBits.map(Float.init(bitPattern:)))
    case .float16:
      try check(int32Data.count, "int32_data")
      return GraphValue(
        shape: shape, floats: int32Data.map { halfToFloat(UInt16(truncatingIfNeeded: $0)) })
    case .bfloat16:
      try check(int32Data.count, "int32_data")
      return GraphValue(
        shape: shape,
        floats: int32Data.map { Float(bitPattern: UInt32(UInt16(truncatingIfNeeded: $0)) << 16) })
    case .double:
      try check(wideBits.count, "double_data")
      return GraphValue(shape: shape, floats: wideBits.map { Float(Double(bitPattern: $0)) })
    case .int64:
      try check(int64Data.count, "int64_data")
      return GraphValue(shape: shape, integers: int64Data)
    case .uint32, .uint64:
      try check(wideBits.count, "uint64_data")
      return GraphValue(shape: shape, integers: wideBits.map { Int64(truncatingIfNeeded: $0) })
    default:
      try check(int32Data.count, "int32_data")
      return GraphValue(shape: shape, integers: int32Data)
    }
  }

  /// Reads the bytes of an initializer kept in a side file (`location`, `offset`, `length`).
  private static func externalBytes(
    _ entries: [String: String], count: Int, tensor: String, context: DecodingContext
  ) throws -> Data {
    guard let location = entries["location"], !location.isEmpty else {
      throw ONNXError.invalidInitializer(
        file: context.file, tensor: tensor, reason: "is marked as external data without a location")
    }
    let components = location.split(separator: "/", omittingEmptySubsequences: true)
    guard !location.hasPrefix("/"), !components.contains("..") else {
      throw ONNXError.missingExternalData(
        file: context.file, tensor: tensor, location: location,
        reason: "is outside the model's folder (absolute paths and .. are refused)")
    }
    let offset = Int(entries["offset"] ?? "0") ?? -1
    let length = entries["length"].map { Int($0) ?? -1 } ?? count
    guard offset >= 0, length == count else {
      throw ONNXError.invalidInitializer(
        file: context.file, tensor: tensor,
        reason:
          "has external data offset \(entries["offset"] ?? "0") and length \(entries["length"] ?? "-") for \(count) bytes"
      )
    }
    let url = context.directory.appendingPathComponent(location)
    guard let handle = try? FileHandle(forReadingFrom: url) else {
      throw ONNXError.missingExternalData(
        file: context.file, tensor: tensor, location: location, reason: "cannot be opened")
    }
    defer { try? handle.close() }
    do {
      try handle.seek(toOffset: UInt64(offset))
      let data = try handle.read(upToCount: count) ?? Data()
      guard data.count == count else {
        throw ONNXError.missingExternalData(
          file: context.file, tensor: tensor, location: location,
          reason: "ends before byte \(offset + count)")
      }
      return data
    } catch let error as ONNXError {
      throw error
    } catch {
      throw ONNXError.missingExternalData(
        file: context.file, tensor: tensor, location: location, reason: "cannot be read (\(error))")
    }
  }
}

/// An IEEE 754 half-precision bit pattern as Float32.
func halfToFloat(_ bits: UInt16) -> Float {
  let sign = UInt32(bits >> 15) << 31
  let exponent = Int(bits >> 10) & 0x1F
  let mantissa = UInt32(bits & 0x3FF)
  if exponent == 0 {
    // Zero or subnormal: mantissa * 2^-24.
    let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
    return sign == 0 ? magnitude : -magnitude
  }
  if exponent == 31 {
    return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
  }
  return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
}
