import NeuralNet
import Testing

@Suite struct TensorTests {
  @Test func shapeAndData() {
    let tensor = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
    #expect(tensor.shape == [2, 3])
    #expect(tensor.data.count == 6)
  }
}
