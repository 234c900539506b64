import Datasets
import DetectorTraining
import Detectors
import Foundation
import ProposalIO
import RegionKitTestSupport
import Testing

/// `RCNNTraining.train` with proposals from a file, on six 32x32 synthetic images.
@Suite(.tags(.slow)) struct RCNNTrainingTests {
  static func configuration(for dataset: Dataset) -> RCNNConfiguration {
    var c = RCNNConfiguration(
      backend: .hogSVM,
      classes: dataset.categories.map { DetectorClass(name: $0.name, categoryID: $0.id) },
      inputSize: 24, maxProposals: 50)
    c.training.validationFraction = 0.34
    return c
  }

  /// hog-svm trains in one pass, so there is nothing to resume.
  @Test func hogSVMCannotResume() throws {
    let root = try Fixtures.temporaryDirectory("rcnn-training-resume")
    defer { try? FileManager.default.removeItem(at: root) }
    let dataset = try ProposalsFileFixture.dataset(in: root)
    let folder = root.appendingPathComponent("model")
    let error = #expect(throws: DetectorsError.self) {
      _ = try RCNNTraining.train(
        Self.configuration(for: dataset), on: dataset, into: folder, policy: .resume,
        observer: SilentTrainingObserver())
    }
    guard case .unsupportedInput? = error else {
      Issue.record("expected unsupportedInput, got \(String(describing: error))")
      return
    }
    #expect(!FileManager.default.fileExists(atPath: folder.path))
  }

  /// onnx packages a classifier trained elsewhere and evaluates it; onnx-features trains SVMs
  /// on its features. Both copy the network into the folder, load from there, and cannot
  /// resume; without the network (or onnx's labels) they refuse to start.
  @Test func onnxBackendsCopyTheNetworkTrainAndEvaluate() throws {
    let root = try Fixtures.temporaryDirectory("rcnn-training-onnx")
    defer { try? FileManager.default.removeItem(at: root) }
    let dataset = try ProposalsFileFixture.dataset(in: root)
    let file = try PrecomputedProposals(
      contentsOf: ProposalsFileFixture.write("proposals.jsonl", for: dataset, in: root))
    let classes = dataset.categories.map { DetectorClass(name: $0.name, categoryID: $0.id) }
    let files = RCNNTraining.NetworkFiles(
      model: ShapesClassifierFixture.modelURL, labels: ShapesClassifierFixture.labelsURL)
    for backend in [RCNNBackend.onnx, .onnxFeatures] {
      var configuration = RCNNConfiguration(
        backend: backend, classes: classes, inputSize: 32, maxProposals: 50,
        network: ONNXNetworkSettings(
          file: "net.onnx", tensor: backend == .onnx ? nil : "fc7",
          labelsFile: backend == .onnx ? "labels.txt" : nil))
      configuration.training.validationFraction = 0.34
      let folder = root.appendingPathComponent(backend.rawValue)
      for (network, policy) in [
        (files, ExistingModelPolicy.resume),
        (nil, .refuse),
        (RCNNTraining.NetworkFiles(model: files.model), .refuse),
      ] as [(RCNNTraining.NetworkFiles?, ExistingModelPolicy)]
      where backend == .onnx || network?.labels != nil || network == nil {
        #expect(throws: DetectorsError.self) {
          _ = try RCNNTraining.train(
            configuration, on: dataset, network: network, proposals: .file(file), into: folder,
            policy: policy, observer: SilentTrainingObserver())
        }
      }
      #expect(!FileManager.default.fileExists(atPath: folder.path))
      let result = try RCNNTraining.train(
        configuration, on: dataset, network: files, proposals: .file(file), into: folder,
        threads: 2, observer: SilentTrainingObserver())
      #expect(result.validationImages == 2 && result.validationAP50 != nil)
      let written = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
      #expect(
        written
          == (backend == .onnx
            ? ["config.json", "labels.txt", "net.onnx"]
            : ["config.json", "model.safetensors", "net.onnx"]))
      let loaded = try #require(try DetectorModel.load(from: folder) as? RCNN)
      #expect(
        backend == .onnx
          ? loaded.classifier is ONNXRegionClassifier : loaded.classifier is SVMRegionClassifier)
    }
  }

  /// A proposals file without an image is an error naming it; with `skipMissing` that image is
  /// left out and the rest trains, with boxes rescaled from the file's image size.
  @Test(arguments: ["proposals.jsonl", "proposals.npz"])
  func missingProposalsAreAnErrorOrSkipped(_ name: String) throws {
    let root = try Fixtures.temporaryDirectory("rcnn-training-missing")
    defer { try? FileManager.default.removeItem(at: root) }
    let dataset = try ProposalsFileFixture.dataset(in: root)
    let missing = dataset.images[1].fileName
    let url = try ProposalsFileFixture.write(name, for: dataset, leavingOut: [missing], in: root)
    let file = try PrecomputedProposals(contentsOf: url)
    let configuration = Self.configuration(for: dataset)
    let observer = SilentTrainingObserver()
    let folder = root.appendingPathComponent("model")
    #expect(throws: DetectorsError.missingProposals(file: url.path, image: missing)) {
      _ = try RCNNTraining.train(
        configuration, on: dataset, proposals: .file(file), into: folder, threads: 2,
        observer: observer)
    }
    let result = try RCNNTraining.train(
      configuration, on: dataset, proposals: .file(file), skipMissing: true, into: folder,
      threads: 2, observer: observer)
    #expect(result.trainImages + result.validationImages == dataset.images.count - 1)
    #expect(result.validationAP50 != nil)
    let stored = try ModelFolder.configuration(RCNNConfiguration.self, in: folder)
    #expect(stored.training.proposals == name)
    let detector = try DetectorModel.load(from: folder)
    #expect(detector is RCNN && detector.classes == configuration.classes)
  }
}
