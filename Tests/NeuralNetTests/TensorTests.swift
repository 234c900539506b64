import NeuralNet
import Testing

@Suite struct TensorTests {
  @Test func shapeIndexingAndReshape() {
    var tensor = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
    #expect(tensor.count == 6 && tensor.rank == 2 && tensor.strides == [3, 1])
    #expect(tensor[1, 2] == 6)
    tensor[0, 1] = 9
    #expect(tensor.data == [1, 9, 3, 4, 5, 6])
    #expect(tensor.reshaped([3, 2]).shape == [3, 2])
    #expect(Tensor(zeros: []).count == 1)
  }

  @Test func copyOnWrite() {
    let original = Tensor(shape: [3], data: [1, 2, 3])
    var copy = original
    copy.add(Tensor(shape: [3], repeating: 1))
    #expect(original.data == [1, 2, 3])
    #expect(copy.data == [2, 3, 4])
    #expect((original + copy).data == [3, 5, 7])
    #expect((original * 2).data == [2, 4, 6])
  }

  @Test func seededInitialisersAreReproducibleAndScaled() {
    let a = WeightInitialization.kaimingNormal(shape: [64, 32, 3, 3], seed: 1)
    #expect(a == WeightInitialization.kaimingNormal(shape: [64, 32, 3, 3], seed: 1))
    #expect(a != WeightInitialization.kaimingNormal(shape: [64, 32, 3, 3], seed: 2))
    let std = (a.data.map { Double($0 * $0) }.reduce(0, +) / Double(a.count)).squareRoot()
    #expect(abs(std - (2.0 / 288).squareRoot()) < 0.005)
    let x = WeightInitialization.xavierUniform(shape: [100, 50], seed: 3)
    let bound = Float(6.0 / 150).squareRoot()
    #expect(x.data.allSatisfy { abs($0) <= bound })
    #expect(x.data.max()! > bound * 0.95)
    #expect(WeightInitialization.fans([8, 4, 3, 3]) == (36, 72))
  }

  @Test func columnsSplitAndConcatenateInverse() {
    let tensor = Tensor(shape: [2, 5], data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    let (left, right) = tensor.splittingColumns(at: 2)
    #expect(left == Tensor(shape: [2, 2], data: [1, 2, 6, 7]))
    #expect(right == Tensor(shape: [2, 3], data: [3, 4, 5, 8, 9, 10]))
    #expect(Tensor(concatenatingColumnsOf: left, right) == tensor)
    let (empty, all) = tensor.splittingColumns(at: 0)
    #expect(empty.shape == [2, 0] && all == tensor)
  }
}
