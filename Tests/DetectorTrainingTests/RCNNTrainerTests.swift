import Boxes
import DetectorTraining
import Detectors
import Foundation
import NeuralNet
import ONNX
import RegionKitTestSupport
import Testing

/// Tiny end-to-end training of both R-CNN backends on in-memory scenes.
@Suite(.tags(.slow)) struct RCNNTrainerTests {
  static let classes = DetectorClass.numbered(["circle", "square", "triangle"])

  @Test func tinyCNNTrainingLowersTheLossAndDetects() throws {
    var configuration = RCNNConfiguration(backend: .cnn, classes: Self.classes, inputSize: 16)
    configuration.channels = [4, 8]
    configuration.hiddenFeatures = 16
    let trainer = RCNNTrainer(configuration: configuration, seed: 1, threads: 2)
    let images = TinyScenes.images()
    let pool = try trainer.regionPool(images)
    #expect(pool.foregroundCount > 0 && pool.count > pool.foregroundCount)
    // The pool is the same for any thread count.
    let single = try RCNNTrainer(configuration: configuration, seed: 1, threads: 1).regionPool(
      images)
    #expect(single.crops == pool.crops && single.labels == pool.labels)
    var model = DetectorModel.makeCNN(configuration, seed: 1)
    var optimizer = Adam(learningRate: 0.01)
    var losses: [Double] = []
    for epoch in 1...6 {
      let loss = try trainer.trainEpoch(
        epoch, epochs: 6, model: &model, optimizer: &optimizer, pool: pool, batchSize: 32,
        learningRate: 0.01)
      losses.append(loss.classification + loss.box)
    }
    #expect(losses.last! < losses.first! * 0.8, "losses \(losses)")
    let rcnn = DetectorModel.rcnn(configuration, classifier: model)
    let answer = try rcnn.classify(images[0].proposals, in: images[0].image)
    #expect(answer.probabilities.shape == [images[0].proposals.count, 4])
    #expect(answer.boxDeltas?.shape == [images[0].proposals.count, 16])
    let objects = try rcnn.detect(in: images[0].image, proposals: images[0].proposals)
    #expect(objects.allSatisfy { (1...3).contains($0.label) && $0.score >= 0.05 })
    #expect(objects.allSatisfy { $0.category == Self.classes[$0.label - 1] })
  }

  /// The loader-based entry points load every image exactly once and give the same result
  /// as the in-memory ones.
  @Test func loaderEntryPointsMatchTheInMemoryOnes() throws {
    var configuration = RCNNConfiguration(backend: .cnn, classes: Self.classes, inputSize: 16)
    configuration.channels = [4, 8]
    let images = TinyScenes.images()
    let trainer = RCNNTrainer(configuration: configuration, seed: 3, threads: 2)
    let loads = LoadCounter(count: images.count)
    let pool = try trainer.regionPool(count: images.count) { index in
      loads.record(index)
      return images[index]
    }
    #expect(loads.counts == Array(repeating: 1, count: images.count))
    let inMemory = try trainer.regionPool(images)
    #expect(pool.crops == inMemory.crops && pool.labels == inMemory.labels)
    #expect(pool.targets == inMemory.targets)
  }

  @Test func tinyHOGSVMTrainingSeparatesTheTrainingObjects() throws {
    let configuration = RCNNConfiguration(backend: .hogSVM, classes: Self.classes, inputSize: 24)
    let images = TinyScenes.images()
    let (classifier, report) = try RCNNTrainer(configuration: configuration, seed: 1).trainSVMs(
      images, extractor: configuration.hog)
    #expect(report.positives.reduce(0, +) == images.map(\.boxes.count).reduce(0, +))
    let rcnn = RCNN(classifier: classifier, inputSize: 24)
    for item in images {
      let answer = try rcnn.classify(item.boxes, in: item.image)
      for (row, label) in item.labels.enumerated() {
        let scores = (1...3).map { answer.probabilities.data[row * 4 + $0] }
        #expect(scores.firstIndex(of: scores.max()!)! + 1 == label)
      }
    }
  }

  /// The SVM pipeline on a network's features (onnx-features): the training objects get their
  /// classes, the features are scaled to a mean norm of 20, and the result does not depend on
  /// the thread count.
  @Test func onnxFeatureSVMsSeparateTheTrainingObjects() throws {
    let configuration = RCNNConfiguration(
      backend: .onnxFeatures, classes: Self.classes, inputSize: 32,
      network: ONNXNetworkSettings(file: "shapes_classifier.onnx", tensor: "fc7"))
    let extractor = try ONNXFeatureExtractor(
      model: ONNXModel(contentsOf: ShapesClassifierFixture.modelURL), tensor: "fc7",
      cropSize: 32)
    let images = TinyScenes.images()
    let (classifier, report) = try RCNNTrainer(configuration: configuration, seed: 1, threads: 2)
      .trainSVMs(images, extractor: extractor)
    #expect(report.featureCount == 32 && report.featureScale != 1)
    // The mean norm of the scaled features of the ground truth and the negatives is 20.
    var norms: [Double] = []
    for item in images {
      let crops = RCNN.crops(
        of: item.image, boxes: item.boxes + item.negativeProposals(), width: 32, height: 32,
        contextPadding: configuration.contextPadding)
      let features = try extractor.features(of: crops)
      for r in 0..<features.shape[0] {
        let row = features.data[(r * 32)..<((r + 1) * 32)]
        norms.append(
          row.reduce(0.0) {
            $0 + Double($1 * report.featureScale) * Double($1 * report.featureScale)
          }.squareRoot())
      }
    }
    let mean = norms.reduce(0, +) / Double(norms.count)
    #expect(abs(mean - 20) < 3, "mean norm \(mean)")
    let rcnn = RCNN(classifier: classifier, inputSize: 32)
    for item in images {
      let answer = try rcnn.classify(item.boxes, in: item.image)
      for (row, label) in item.labels.enumerated() {
        let scores = (1...3).map { answer.probabilities.data[row * 4 + $0] }
        #expect(scores.firstIndex(of: scores.max()!)! + 1 == label)
      }
    }
    let single = try RCNNTrainer(configuration: configuration, seed: 1, threads: 1)
      .trainSVMs(images, extractor: extractor).classifier
    #expect(single.machines == classifier.machines && single.regressors == classifier.regressors)
    #expect(single.featureScale == classifier.featureScale)
  }

  /// A failing image load stops training with that error.
  @Test func loadErrorsPropagate() {
    let configuration = RCNNConfiguration(backend: .hogSVM, classes: Self.classes, inputSize: 24)
    let images = TinyScenes.images()
    struct Unreadable: Error, Equatable {}
    #expect(throws: Unreadable()) {
      _ = try RCNNTrainer(configuration: configuration, seed: 1, threads: 2).trainSVMs(
        count: images.count, extractor: configuration.hog
      ) { index in
        if index == 4 { throw Unreadable() }
        return images[index]
      }
    }
  }
}
