/// A reader of the Protocol Buffers wire format over a byte buffer, bounds-checked.
///
/// Each message is a sequence of fields: a varint key `(field number << 3) | wire type`
/// followed by a varint (type 0), eight bytes (type 1), a varint length and that many bytes
/// (type 2) or four bytes (type 5). Groups (types 3 and 4) are obsolete and refused. A reader
/// never reads outside its range: every malformed length, truncated varint or unknown wire
/// type is a ``ProtobufError`` giving the byte offset.
///
///     var reader = ProtobufReader(bytes: buffer, range: 0..<buffer.count)
///     while let field = try reader.nextField() {
///       switch field.number { case 1: name = try reader.string(field) ... default: try reader.skip(field) }
///     }
///
/// Reference: "Encoding", Protocol Buffers documentation (protobuf.dev/programming-guides/encoding).
struct ProtobufReader {
  /// The wire types of the format.
  enum WireType: UInt64 {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
  }

  /// A field key as read from the buffer.
  struct Field {
    var number: UInt64
    var wireType: WireType
  }

  let bytes: UnsafeRawBufferPointer
  private(set) var position: Int
  let end: Int

  /// Reads `bytes[range]`.
  init(bytes: UnsafeRawBufferPointer, range: Range<Int>) {
    self.bytes = bytes
    self.position = range.lowerBound
    self.end = range.upperBound
  }

  /// The next field key, or nil at the end of the range.
  mutating func nextField() throws(ProtobufError) -> Field? {
    guard position < end else { return nil }
    let start = position
    let key = try varint()
    guard let wireType = WireType(rawValue: key & 7) else {
      throw ProtobufError(offset: start, reason: "wire type \(key & 7) is not supported")
    }
    let number = key >> 3
    guard number > 0 else { throw ProtobufError(offset: start, reason: "field number 0") }
    return Field(number: number, wireType: wireType)
  }

  /// A base-128 varint (at most ten bytes).
  mutating func varint() throws(ProtobufError) -> UInt64 {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    let start = position
    while true {
      guard position < end else {
        throw ProtobufError(offset: start, reason: "varint runs past the end of its message")
      }
      let byte = bytes[position]
      position += 1
      guard shift < 64 else {
        throw ProtobufError(offset: start, reason: "varint longer than ten bytes")
      }
      result |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return result }
      shift += 7
    }
  }

  /// The byte range of a length-delimited field's payload, after which the reader stands.
  mutating func lengthDelimited(_ field: Field) throws(ProtobufError) -> Range<Int> {
    try expect(field, .lengthDelimited)
    let start = position
    let length = try varint()
    guard length <= UInt64(end - position) else {
      throw ProtobufError(
        offset: start,
        reason: "field \(field.number) declares \(length) bytes but only \(end - position) remain")
    }
    let range = position..<(position + Int(length))
    position = range.upperBound
    return range
  }

  /// A reader over a nested message's payload.
  mutating func message(_ field: Field) throws(ProtobufError) -> ProtobufReader {
    ProtobufReader(bytes: bytes, range: try lengthDelimited(field))
  }

  /// A UTF-8 string field (invalid sequences are repaired with U+FFFD).
  mutating func string(_ field: Field) throws(ProtobufError) -> String {
    let range = try lengthDelimited(field)
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
  }

  /// An `int64`/`int32`/`enum` field (two's complement in a varint).
  mutating func int64(_ field: Field) throws(ProtobufError) -> Int64 {
    try expect(field, .varint)
    return Int64(bitPattern: try varint())
  }

  /// A `float` field (four little-endian bytes).
  mutating func float(_ field: Field) throws(ProtobufError) -> Float {
    try expect(field, .fixed32)
    return Float(bitPattern: try fixed(UInt32.self))
  }

  /// The values of a repeated varint field, packed (one length-delimited run) or not (one value).
  mutating func appendVarints(_ field: Field, to values: inout [Int64]) throws(ProtobufError) {
    if field.wireType == .lengthDelimited {
      var inner = ProtobufReader(bytes: bytes, range: try lengthDelimited(field))
      while inner.position < inner.end { values.append(Int64(bitPattern: try inner.varint())) }
    } else {
      values.append(try int64(field))
    }
  }

  /// The values of a repeated fixed32 field (`float`), packed or not, as bit patterns.
  mutating func appendFixed32(_ field: Field, to values: inout [UInt32]) throws(ProtobufError) {
    try appendFixed(field, wireType: .fixed32, to: &values)
  }

  /// The values of a repeated fixed64 field (`double`, `uint64`), packed or not, as bit patterns.
  mutating func appendFixed64(_ field: Field, to values: inout [UInt64]) throws(ProtobufError) {
    try appendFixed(field, wireType: .fixed64, to: &values)
  }

  /// A repeated little-endian fixed-width field, packed (one length-delimited run) or not.
  private mutating func appendFixed<T: FixedWidthInteger & UnsignedInteger>(
    _ field: Field, wireType: WireType, to values: inout [T]
  ) throws(ProtobufError) {
    let width = MemoryLayout<T>.size
    if field.wireType == .lengthDelimited {
      let range = try lengthDelimited(field)
      guard range.count % width == 0 else {
        throw ProtobufError(
          offset: range.lowerBound, reason: "packed \(8 * width)-bit run of \(range.count) bytes")
      }
      var inner = ProtobufReader(bytes: bytes, range: range)
      values.reserveCapacity(values.count + range.count / width)
      while inner.position < inner.end { values.append(try inner.fixed(T.self)) }
    } else {
      try expect(field, wireType)
      values.append(try fixed(T.self))
    }
  }

  /// Skips a field of any supported wire type.
  mutating func skip(_ field: Field) throws(ProtobufError) {
    switch field.wireType {
    case .varint: _ = try varint()
    case .fixed64: try advance(8)
    case .lengthDelimited: _ = try lengthDelimited(field)
    case .fixed32: try advance(4)
    }
  }

  /// A little-endian fixed-width value.
  private mutating func fixed<T: FixedWidthInteger & UnsignedInteger>(_: T.Type)
    throws(ProtobufError) -> T
  {
    let start = position
    try advance(MemoryLayout<T>.size)
    var value: T = 0
    for index in 0..<MemoryLayout<T>.size { value |= T(bytes[start + index]) << (8 * index) }
    return value
  }

  private mutating func advance(_ count: Int) throws(ProtobufError) {
    guard count <= end - position else {
      throw ProtobufError(
        offset: position, reason: "\(count)-byte value runs past the end of its message")
    }
    position += count
  }

  private func expect(_ field: Field, _ wireType: WireType) throws(ProtobufError) {
    guard field.wireType == wireType else {
      throw ProtobufError(
        offset: position,
        reason:
          "field \(field.number) has wire type \(field.wireType.rawValue), expected \(wireType.rawValue)"
      )
    }
  }
}

/// A malformed Protocol Buffers message: what is wrong and at which byte of the file.
struct ProtobufError: Error {
  var offset: Int
  var reason: String
}
