import Boxes
import Detectors
import NeuralNet
import Testing

@Suite struct ClassifyAndLocalizeTests {
  @Test func outputShapeAndInitialBox() {
    var model = ClassifyAndLocalize(configuration: TinyShapes.configuration(), seed: 3)
    let output = model.forward(TinyShapes.batch(count: 5, seed: 1).images)
    #expect(output.shape == [5, 2 + 4])
    let predictions = model.predictions(output)
    #expect(predictions.count == 5)
    for prediction in predictions {
      #expect(prediction.label != nil && prediction.score >= 0.5 && prediction.score <= 1)
      // The box head starts near the centred half-size box.
      #expect(abs(prediction.box.center.x - 0.5) < 0.2 && abs(prediction.box.width - 0.5) < 0.3)
    }
  }

  @Test func parameterNamesArePyTorchStyle() {
    var model = ClassifyAndLocalize(configuration: TinyShapes.configuration(), seed: 3)
    let names = Set(model.stateDict().keys)
    for name in [
      "backbone.0.weight", "backbone.1.weight", "backbone.1.running_mean",
      "backbone.1.num_batches_tracked",
      "backbone.12.weight", "neck.0.weight", "neck.0.bias", "cls_head.weight", "cls_head.bias",
      "box_head.weight",
    ] {
      #expect(names.contains(name), "\(name)")
    }
    #expect(model.stateDict()["neck.0.weight"]?.shape == [16, 8 * 16])
    #expect(model.stateDict()["cls_head.weight"]?.shape == [2, 16])
  }

  @Test func backgroundAddsALogitAndDecodesToNil() {
    var configuration = TinyShapes.configuration()
    configuration.includesBackground = true
    var model = ClassifyAndLocalize(configuration: configuration, seed: 3)
    #expect(model.stateDict()["cls_head.weight"]?.shape == [3, 16])
    var output = Tensor(zeros: [1, 3 + 4])
    output.data[0] = 5
    #expect(model.predictions(output)[0].label == nil)
    output.data[2] = 9
    #expect(model.predictions(output)[0].label == 1)
  }

  @Test func encodeDecodeRoundTripAndClip() {
    let box = Box(x1: 0.1, y1: 0.2, x2: 0.7, y2: 0.5)
    let decoded = ClassifyAndLocalize.decode(ClassifyAndLocalize.encode(box))
    #expect(abs(decoded.x1 - 0.1) < 1e-6 && abs(decoded.y2 - 0.5) < 1e-6)
    let clipped = ClassifyAndLocalize.decode([0.9, 0.5, 0.6, -0.2])
    #expect(
      abs(clipped.x1 - 0.6) < 1e-6 && clipped.x2 == 1 && clipped.y1 == 0.5 && clipped.y2 == 0.5)
    let prediction = ClassifyAndLocalize.Prediction(label: 0, score: 1, box: box)
    #expect(prediction.box(width: 100, height: 10) == Box(x1: 10, y1: 2, x2: 70, y2: 5))
  }

  /// The model's backward equals finite differences of the total loss for a few weights.
  @Test func backwardMatchesFiniteDifferences() {
    var model = ClassifyAndLocalize(configuration: TinyShapes.configuration(boxLoss: .mse), seed: 5)
    model.setTraining(false)  // running statistics: the loss is a plain function of the weights
    let batch = TinyShapes.batch(count: 3, seed: 2)
    func loss(_ model: inout ClassifyAndLocalize) -> ClassifyAndLocalizeLoss {
      let (logits, boxes) = model.split(model.forward(batch.images))
      return classifyAndLocalizeLoss(
        logits: logits, labels: batch.labels, boxes: boxes, targets: batch.targets, boxLoss: .mse)
    }
    model.backward(loss(&model))
    var analytic: [String: Tensor] = [:]
    model.visitParameters { name, parameter in analytic[name] = parameter.gradient }
    for (name, index) in [
      ("backbone.0.weight", 7), ("backbone.8.weight", 30), ("neck.0.weight", 11),
      ("box_head.bias", 2), ("cls_head.weight", 3),
    ] {
      let h: Float = 1e-2
      var plus = model, minus = model
      plus.visitParameters { n, p in if n == name { p.value.data[index] += h } }
      minus.visitParameters { n, p in if n == name { p.value.data[index] -= h } }
      let numeric = (loss(&plus).total - loss(&minus).total) / (2 * h)
      let exact = analytic[name]!.data[index]
      #expect(
        abs(numeric - exact) < 2e-3 + 0.05 * abs(exact), "\(name)[\(index)]: \(numeric) vs \(exact)"
      )
    }
  }
}
