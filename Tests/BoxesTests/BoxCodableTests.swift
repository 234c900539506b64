import Boxes
import Foundation
import Testing

@Suite struct BoxCodableTests {
  @Test func encodesAsFourElementArray() throws {
    let data = try JSONEncoder().encode([Box(x1: 1, y1: 2.5, x2: 3, y2: 4)])
    #expect(String(decoding: data, as: UTF8.self) == "[[1,2.5,3,4]]")
  }

  @Test func roundTrips() throws {
    let boxes = [
      Box(x1: -1.25, y1: 0, x2: 640, y2: 480.5), Box(x1: 0.1, y1: 0.2, x2: 0.3, y2: 0.4),
    ]
    let decoded = try JSONDecoder().decode([Box].self, from: JSONEncoder().encode(boxes))
    #expect(decoded == boxes)
  }

  @Test(arguments: ["[1,2,3]", "[1,2,3,4,5]", "[]"])
  func rejectsWrongElementCount(json: String) {
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(Box.self, from: Data(json.utf8))
    }
  }

  @Test func rejectsNonNumbers() {
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(Box.self, from: Data(#"[1,"a",3,4]"#.utf8))
    }
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(Box.self, from: Data(#"{"x1":1}"#.utf8))
    }
  }
}
