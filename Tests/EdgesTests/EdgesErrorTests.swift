import Testing

@testable import Edges

@Suite struct EdgesErrorTests {
  @Test func descriptionNamesFieldAndValue() {
    let error = EdgesError.invalidParameter(
      detector: "Canny", field: "sigma", value: "-1.0", expected: "a value >= 0")
    #expect(error.description == "Canny: sigma is -1.0; expected a value >= 0.")
  }
}
