import Boxes
import Foundation
import NeuralNet
import RegionKitTestSupport
import Testing

/// Saving and restoring optimizer state: resumed training is bit-identical to training
/// straight through, and malformed state is refused with the error naming the tensor.
@Suite struct OptimizerStateTests {
  /// The optimizers whose resumption is checked, each with the hyper-parameters it is
  /// recreated with.
  enum Kind: String, CaseIterable, Sendable {
    case adamWithWeightDecay, adamW, sgdWithMomentum, sgdWithNesterovMomentum
  }

  static let source = "optimizer.safetensors"

  /// A two-layer classifier: parameters `0.weight`, `0.bias`, `2.weight`, `2.bias`.
  static func model() -> Sequential {
    Sequential([
      Linear(inFeatures: 4, outFeatures: 8, seed: 1), ReLU(),
      Linear(inFeatures: 8, outFeatures: 3, seed: 2),
    ])
  }

  /// Eight samples of four features and their labels, different for each step.
  static func batch(step: Int) -> (Tensor, [Int]) {
    var generator = SplitMix64(seed: UInt64(100 + step))
    let features = (0..<32).map { _ in generator.nextUnitFloat() * 2 - 1 }
    let labels = (0..<8).map { _ in Int(generator.next() % 3) }
    return (Tensor(shape: [8, 4], data: features), labels)
  }

  static func train<O: Optimizer>(
    _ model: inout Sequential, _ optimizer: inout O, steps: Range<Int>
  ) {
    for step in steps {
      let (features, labels) = batch(step: step)
      // A changing rate, as schedules set it, to show it is not part of the state.
      optimizer.learningRate = 0.05 / Float(1 + step)
      let loss = crossEntropy(model.forward(features), labels: labels)
      _ = model.backward(loss.gradient)
      optimizer.step(&model)
      model.zeroGradients()
    }
  }

  static func bits(_ tensors: [String: Tensor]) -> [String: [UInt32]] {
    tensors.mapValues { $0.data.map(\.bitPattern) }
  }

  func resumesBitIdentically<O: CheckpointableOptimizer>(_ make: () throws -> O) throws {
    var straight = Self.model()
    var straightOptimizer = try make()
    Self.train(&straight, &straightOptimizer, steps: 0..<10)

    var first = Self.model()
    var firstOptimizer = try make()
    Self.train(&first, &firstOptimizer, steps: 0..<4)
    let folder = try Fixtures.temporaryDirectory("optimizer-state")
    defer { try? FileManager.default.removeItem(at: folder) }
    let weightsURL = folder.appendingPathComponent("model.safetensors")
    let stateURL = folder.appendingPathComponent(Self.source)
    try SafeTensors.save(first.stateDict(), to: weightsURL)
    try SafeTensors.save(firstOptimizer.stateTensors(), to: stateURL)

    var resumed = Self.model()
    try resumed.loadStateDict(SafeTensors.load(contentsOf: weightsURL))
    var resumedOptimizer = try make()
    try resumedOptimizer.restoreState(
      from: SafeTensors.load(contentsOf: stateURL), for: resumed, source: stateURL.path)
    #expect(Self.bits(resumedOptimizer.stateTensors()) == Self.bits(firstOptimizer.stateTensors()))
    Self.train(&resumed, &resumedOptimizer, steps: 4..<10)

    #expect(Self.bits(resumed.stateDict()) == Self.bits(straight.stateDict()))
    #expect(
      Self.bits(resumedOptimizer.stateTensors()) == Self.bits(straightOptimizer.stateTensors()))
  }

  @Test(arguments: Kind.allCases)
  func resumedTrainingMatchesTrainingStraightThrough(_ kind: Kind) throws {
    switch kind {
    case .adamWithWeightDecay:
      try resumesBitIdentically { Adam(learningRate: 0.05, weightDecay: 0.01) }
    case .adamW:
      try resumesBitIdentically { Adam.adamW(learningRate: 0.05, weightDecay: 0.1) }
    case .sgdWithMomentum:
      try resumesBitIdentically { try SGD(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3) }
    case .sgdWithNesterovMomentum:
      try resumesBitIdentically { try SGD(learningRate: 0.05, momentum: 0.9, nesterov: true) }
    }
  }

  @Test func stateTensorsUsePyTorchNames() throws {
    var model = Self.model()
    var adam = Adam()
    var sgd = try SGD(learningRate: 0.1, momentum: 0.9)
    #expect(adam.stateTensors().isEmpty && sgd.stateTensors().isEmpty)
    Self.train(&model, &adam, steps: 0..<2)
    Self.train(&model, &sgd, steps: 0..<1)
    let parameters = ["0.weight", "0.bias", "2.weight", "2.bias"]
    let adamState = adam.stateTensors()
    #expect(
      Set(adamState.keys)
        == Set(parameters.flatMap { ["exp_avg.\($0)", "exp_avg_sq.\($0)", "step.\($0)"] }))
    #expect(adamState["step.0.weight"] == Tensor(shape: [1], data: [2]))
    #expect(adamState["exp_avg.0.weight"]?.shape == [8, 4])
    #expect(adamState["exp_avg_sq.2.bias"]?.shape == [3])
    #expect(Set(sgd.stateTensors().keys) == Set(parameters.map { "momentum_buffer.\($0)" }))
    #expect(try SGD(learningRate: 0.1).stateTensors().isEmpty)
  }

  @Test func restoringEmptyStateStartsAfresh() throws {
    var model = Self.model()
    var adam = Adam()
    Self.train(&model, &adam, steps: 0..<1)
    try adam.restoreState(from: [:], source: Self.source)
    #expect(adam.stateTensors().isEmpty && adam.steps.isEmpty)
  }

  // MARK: - Malformed state

  /// A valid Adam state for one parameter `w` of shape `[2]`.
  static func adamState() -> [String: Tensor] {
    [
      "exp_avg.w": Tensor(shape: [2], data: [0.1, -0.2]),
      "exp_avg_sq.w": Tensor(shape: [2], data: [0.01, 0.04]),
      "step.w": Tensor(shape: [1], data: [3]),
    ]
  }

  static func adamState(_ change: (inout [String: Tensor]) -> Void) -> [String: Tensor] {
    var state = adamState()
    change(&state)
    return state
  }

  /// Restores `state` into an Adam that already has state, expects `expected`, and checks
  /// that the optimizer is unchanged.
  func expectAdamRefuses(_ state: [String: Tensor], _ expected: NeuralNetError) throws {
    let previous: [String: Tensor] = [
      "exp_avg.v": Tensor(shape: [1], data: [1]), "exp_avg_sq.v": Tensor(shape: [1], data: [1]),
      "step.v": Tensor(shape: [1], data: [1]),
    ]
    var optimizer = Adam()
    try optimizer.restoreState(from: previous, source: Self.source)
    let before = optimizer.stateTensors()
    #expect(throws: expected) { try optimizer.restoreState(from: state, source: Self.source) }
    #expect(optimizer.stateTensors() == before)
  }

  @Test func validAdamStateIsRestored() throws {
    var optimizer = Adam()
    try optimizer.restoreState(from: Self.adamState(), source: Self.source)
    #expect(optimizer.steps == ["w": 3])
    #expect(optimizer.firstMoments["w"] == Tensor(shape: [2], data: [0.1, -0.2]))
    #expect(optimizer.secondMoments["w"] == Tensor(shape: [2], data: [0.01, 0.04]))
    #expect(optimizer.stateTensors() == Self.adamState())
    // PyTorch stores the step as a 0-d tensor; zero steps are allowed.
    try optimizer.restoreState(
      from: Self.adamState { $0["step.w"] = Tensor(shape: [], data: [0]) }, source: Self.source)
    #expect(optimizer.steps == ["w": 0])
  }

  @Test func adamRefusesNamesItDoesNotUse() throws {
    try expectAdamRefuses(
      Self.adamState { $0["momentum_buffer.w"] = Tensor(shape: [2], data: [0, 0]) },
      .unexpectedOptimizerTensor(file: Self.source, tensor: "momentum_buffer.w", optimizer: "Adam"))
  }

  @Test func adamRefusesAParameterWithoutItsWholeGroup() throws {
    try expectAdamRefuses(
      Self.adamState { $0["exp_avg_sq.w"] = nil },
      .missingOptimizerTensor(file: Self.source, tensor: "exp_avg_sq.w", requiredBy: "exp_avg.w"))
    try expectAdamRefuses(
      Self.adamState { $0["step.w"] = nil },
      .missingOptimizerTensor(file: Self.source, tensor: "step.w", requiredBy: "exp_avg.w"))
    try expectAdamRefuses(
      Self.adamState { $0["exp_avg.w"] = nil },
      .missingOptimizerTensor(file: Self.source, tensor: "exp_avg.w", requiredBy: "exp_avg_sq.w"))
    try expectAdamRefuses(
      ["step.w": Tensor(shape: [1], data: [1])],
      .missingOptimizerTensor(file: Self.source, tensor: "exp_avg.w", requiredBy: "step.w"))
  }

  @Test func adamRefusesMomentsOfDifferentShapes() throws {
    try expectAdamRefuses(
      Self.adamState { $0["exp_avg_sq.w"] = Tensor(shape: [1, 2], data: [0.01, 0.04]) },
      .optimizerShapeMismatch(
        file: Self.source, tensor: "exp_avg_sq.w", shape: [1, 2], partner: "exp_avg.w",
        partnerShape: [2]))
  }

  @Test(arguments: [
    (Tensor(shape: [2], data: [3, 3]), "it has shape [2], a step count is one value"),
    (Tensor(shape: [1], data: [-1]), "-1.0 is not a non-negative integer"),
    (Tensor(shape: [1], data: [2.5]), "2.5 is not a non-negative integer"),
    (Tensor(shape: [1], data: [.nan]), "nan is not a non-negative integer"),
    (Tensor(shape: [1], data: [.infinity]), "inf is not a non-negative integer"),
    (Tensor(shape: [1], data: [1e30]), "1e+30 is not a non-negative integer"),
  ])
  func adamRefusesAStepThatIsNotACount(_ step: Tensor, _ reason: String) throws {
    try expectAdamRefuses(
      Self.adamState { $0["step.w"] = step },
      .invalidOptimizerStep(file: Self.source, tensor: "step.w", reason: reason))
  }

  @Test func adamRefusesNonFiniteAndNegativeMoments() throws {
    try expectAdamRefuses(
      Self.adamState { $0["exp_avg_sq.w"] = Tensor(shape: [2], data: [0.01, .infinity]) },
      .nonFiniteOptimizerValue(
        file: Self.source, tensor: "exp_avg_sq.w", index: 1, value: .infinity))
    try expectAdamRefuses(
      Self.adamState { $0["exp_avg_sq.w"] = Tensor(shape: [2], data: [-0.5, 0.04]) },
      .negativeSecondMoment(file: Self.source, tensor: "exp_avg_sq.w", index: 0, value: -0.5))
    // NaN is not equal to itself: match the case instead.
    var optimizer = Adam()
    let error = try #require(throws: NeuralNetError.self) {
      try optimizer.restoreState(
        from: Self.adamState { $0["exp_avg.w"] = Tensor(shape: [2], data: [0.1, .nan]) },
        source: Self.source)
    }
    guard case .nonFiniteOptimizerValue(Self.source, "exp_avg.w", 1, let value) = error else {
      Issue.record("unexpected error \(error)")
      return
    }
    #expect(value.isNaN)
    #expect(optimizer.stateTensors().isEmpty)
  }

  @Test func sgdRefusesMalformedState() throws {
    var optimizer = try SGD(learningRate: 0.1, momentum: 0.9)
    let valid = ["momentum_buffer.w": Tensor(shape: [2], data: [0.5, -1])]
    try optimizer.restoreState(from: valid, source: Self.source)
    #expect(optimizer.momentumBuffers == ["w": Tensor(shape: [2], data: [0.5, -1])])
    #expect(
      throws: NeuralNetError.unexpectedOptimizerTensor(
        file: Self.source, tensor: "exp_avg.w", optimizer: "SGD")
    ) {
      try optimizer.restoreState(
        from: ["exp_avg.w": Tensor(shape: [2], data: [0, 0])], source: Self.source)
    }
    #expect(
      throws: NeuralNetError.nonFiniteOptimizerValue(
        file: Self.source, tensor: "momentum_buffer.w", index: 0, value: -.infinity)
    ) {
      try optimizer.restoreState(
        from: ["momentum_buffer.w": Tensor(shape: [2], data: [-.infinity, 0])],
        source: Self.source)
    }
    #expect(optimizer.stateTensors() == valid)
  }

  @Test func stateMustFitTheModel() throws {
    let model = Self.model()
    var adam = Adam()
    let foreign: [String: Tensor] = [
      "exp_avg.9.weight": Tensor(shape: [1], data: [0]),
      "exp_avg_sq.9.weight": Tensor(shape: [1], data: [0]),
      "step.9.weight": Tensor(shape: [1], data: [1]),
    ]
    #expect(throws: NeuralNetError.unexpectedTensor(file: Self.source, tensor: "exp_avg.9.weight"))
    {
      try adam.restoreState(from: foreign, for: model, source: Self.source)
    }
    #expect(adam.stateTensors().isEmpty)
    let misshapen: [String: Tensor] = [
      "exp_avg.2.bias": Tensor(shape: [4], data: [0, 0, 0, 0]),
      "exp_avg_sq.2.bias": Tensor(shape: [4], data: [0, 0, 0, 0]),
      "step.2.bias": Tensor(shape: [1], data: [1]),
    ]
    #expect(
      throws: NeuralNetError.shapeMismatch(
        file: Self.source, tensor: "exp_avg.2.bias", expected: [3], found: [4])
    ) {
      try adam.restoreState(from: misshapen, for: model, source: Self.source)
    }
    var sgd = try SGD(learningRate: 0.1, momentum: 0.9)
    #expect(
      throws: NeuralNetError.shapeMismatch(
        file: Self.source, tensor: "momentum_buffer.0.bias", expected: [8], found: [2, 4])
    ) {
      try sgd.restoreState(
        from: ["momentum_buffer.0.bias": Tensor(zeros: [2, 4])], for: model, source: Self.source)
    }
    #expect(sgd.stateTensors().isEmpty)
    // State of only some parameters fits: the others start afresh.
    try sgd.restoreState(
      from: ["momentum_buffer.0.bias": Tensor(zeros: [8])], for: model, source: Self.source)
  }

  @Test func descriptionsNameTheFileAndTheTensor() {
    let cases: [(NeuralNetError, String)] = [
      (
        .unexpectedOptimizerTensor(file: "s.safetensors", tensor: "x.w", optimizer: "Adam"),
        "s.safetensors: tensor \"x.w\" is not part of the state of Adam."
      ),
      (
        .missingOptimizerTensor(file: "s.safetensors", tensor: "step.w", requiredBy: "exp_avg.w"),
        "s.safetensors: optimizer state \"exp_avg.w\" needs tensor \"step.w\", which is missing."
      ),
      (
        .optimizerShapeMismatch(
          file: "s.safetensors", tensor: "exp_avg_sq.w", shape: [3], partner: "exp_avg.w",
          partnerShape: [2]),
        "s.safetensors: tensor \"exp_avg_sq.w\" has shape [3], but \"exp_avg.w\" has shape [2]; "
          + "the two must have the same shape."
      ),
      (
        .invalidOptimizerStep(
          file: "s.safetensors", tensor: "step.w", reason: "2.5 is not a non-negative integer"),
        "s.safetensors: tensor \"step.w\" is not a step count: 2.5 is not a non-negative integer."
      ),
      (
        .nonFiniteOptimizerValue(file: "s.safetensors", tensor: "exp_avg.w", index: 4, value: .nan),
        "s.safetensors: tensor \"exp_avg.w\" holds nan at element 4; optimizer state must be "
          + "finite."
      ),
      (
        .negativeSecondMoment(file: "s.safetensors", tensor: "exp_avg_sq.w", index: 0, value: -1),
        "s.safetensors: tensor \"exp_avg_sq.w\" holds -1.0 at element 0; a second moment cannot "
          + "be negative."
      ),
    ]
    for (error, description) in cases { #expect(error.description == description) }
  }
}
