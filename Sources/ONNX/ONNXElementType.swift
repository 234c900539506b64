/// The element types of ONNX tensors (`TensorProto.DataType`).
///
/// RegionKit computes in Float32: `float16`, `bfloat16` and `double` tensors are converted to
/// Float32 when a model is loaded, and integer and boolean tensors are held as 64-bit integers
/// (they carry shapes, axes and indices). Strings and complex numbers are not supported.
public enum ONNXElementType: Int32, Sendable, CaseIterable {
  case undefined = 0
  case float = 1
  case uint8 = 2
  case int8 = 3
  case uint16 = 4
  case int16 = 5
  case int32 = 6
  case int64 = 7
  case string = 8
  case bool = 9
  case float16 = 10
  case double = 11
  case uint32 = 12
  case uint64 = 13
  case complex64 = 14
  case complex128 = 15
  case bfloat16 = 16

  /// The name ONNX uses (`FLOAT`, `INT64`, …), lowercased.
  public var name: String { "\(self)" }

  /// Whether values of this type are held as Float32.
  var isFloatingPoint: Bool { [.float, .float16, .double, .bfloat16].contains(self) }

  /// Whether values of this type are held as 64-bit integers.
  var isInteger: Bool {
    [.uint8, .int8, .uint16, .int16, .int32, .int64, .bool, .uint32, .uint64].contains(self)
  }

  /// Bytes per element in `raw_data`, for the supported types.
  var byteWidth: Int? {
    switch self {
    case .uint8, .int8, .bool: 1
    case .uint16, .int16, .float16, .bfloat16: 2
    case .float, .int32, .uint32: 4
    case .double, .int64, .uint64: 8
    case .undefined, .string, .complex64, .complex128: nil
    }
  }

  /// A description of an unknown raw value (`type 42`).
  static func describe(_ raw: Int64) -> String {
    if let known = Int32(exactly: raw).flatMap(ONNXElementType.init(rawValue:)) {
      return known.name
    }
    return "type \(raw)"
  }
}
